/**
 * Rich text → lines, for the PDF renderer. A paragraph's runs (each in one face) are broken where Unicode line
 * breaking (UAX #14, the `linebreak` package pdfkit itself uses) allows, and filled greedily: a segment goes on the
 * line if it fits the space left without its trailing white space (which is invisible at the end of a line; pdfkit
 * counts it, so a word that just fits went to the next line, and a one-word table cell at its minimum width was
 * split). A segment wider than a whole line starts a line and is split between characters (pdfkit filled the
 * rest of the current line with its start). Break opportunities are found in the paragraph's whole text, so a run
 * boundary is not a break ("**bold**," keeps its comma).
 *
 * pdfkit's own wrapper re-measured every word of every paragraph of every document and drew each run with its own
 * machinery; that was the largest cost of a letter. Here widths are measured once per process (fonts.ts), and the
 * lines of a paragraph are kept, so the letters' fixed paragraphs are laid out once.
 */
import LineBreaker from 'linebreak';

export interface FaceRun<Face extends string> {
  readonly face: Face;
  readonly text: string;
}

/** A piece of a line in one face, `x` from the start of the line. */
export interface LinePiece<Face extends string> {
  readonly face: Face;
  readonly text: string;
  readonly x: number;
  readonly width: number;
}

export interface Line<Face extends string> {
  readonly pieces: readonly LinePiece<Face>[];
  /** The faces on the line (its height is the tallest of them). */
  readonly faces: readonly Face[];
}

/** Width of a text in a face, in the paragraph's units (points at its size). */
export type Measure<Face extends string> = (face: Face, text: string) => number;

interface Segment<Face extends string> {
  readonly parts: readonly FaceRun<Face>[];
  readonly width: number;
  /** The width without trailing white space: what must fit. */
  readonly visible: number;
  /** A required break (a line feed) follows the segment. */
  readonly required: boolean;
}

export function layoutLines<Face extends string>(runs: readonly FaceRun<Face>[], maxWidth: number, measure: Measure<Face>): Line<Face>[] {
  const lines: Line<Face>[] = [];
  let parts: FaceRun<Face>[] = [];
  let used = 0;
  const endLine = () => {
    lines.push(lineOf(parts, measure));
    parts = [];
    used = 0;
  };
  for (const segment of segmentsOf(runs, measure)) {
    if (used > 0 && used + segment.visible > maxWidth) endLine();
    if (segment.visible > maxWidth) {
      // Wider than a whole line: as many characters as fit on each line (at least one).
      for (const piece of splitToWidth(segment.parts, maxWidth, measure)) {
        if (used > 0) endLine();
        parts.push(...piece.parts);
        used = piece.width;
      }
    } else {
      parts.push(...segment.parts);
      used += segment.width;
    }
    if (segment.required) endLine();
  }
  if (parts.length > 0 || lines.length === 0) endLine();
  return lines;
}

/** The paragraph cut at its break opportunities, each segment in as many parts as faces it spans. */
function segmentsOf<Face extends string>(runs: readonly FaceRun<Face>[], measure: Measure<Face>): Segment<Face>[] {
  const text = runs.map((r) => r.text).join('');
  const starts: number[] = [];
  runs.reduce((at, r) => (starts.push(at), at + r.text.length), 0);
  const segments: Segment<Face>[] = [];
  const breaker = new LineBreaker(text);
  let from = 0;
  for (let bk = breaker.nextBreak(); bk; bk = breaker.nextBreak()) {
    const parts: FaceRun<Face>[] = [];
    runs.forEach((run, i) => {
      const start = Math.max(from, starts[i]);
      const end = Math.min(bk.position, starts[i] + run.text.length);
      if (end > start) parts.push({ face: run.face, text: text.slice(start, end).replace(/\n/g, '') });
    });
    segments.push({ parts, width: widthOf(parts, measure), visible: widthOf(withoutTrailingSpace(parts), measure), required: bk.required && bk.position < text.length });
    from = bk.position;
  }
  return segments;
}

function withoutTrailingSpace<Face extends string>(parts: readonly FaceRun<Face>[]): FaceRun<Face>[] {
  const out = [...parts];
  while (out.length > 0) {
    const last = out[out.length - 1];
    const trimmed = last.text.trimEnd();
    if (trimmed.length > 0) {
      out[out.length - 1] = { face: last.face, text: trimmed };
      break;
    }
    out.pop();
  }
  return out;
}

function widthOf<Face extends string>(parts: readonly FaceRun<Face>[], measure: Measure<Face>): number {
  return parts.reduce((sum, p) => sum + measure(p.face, p.text), 0);
}

/** Pieces of an over-wide segment, each the longest prefix of what is left that fits (at least one character). */
function splitToWidth<Face extends string>(parts: readonly FaceRun<Face>[], maxWidth: number, measure: Measure<Face>): { parts: FaceRun<Face>[]; width: number }[] {
  const characters = parts.flatMap((p) => Array.from(p.text, (c) => ({ face: p.face, text: c })));
  const pieces: { parts: FaceRun<Face>[]; width: number }[] = [];
  const close = (current: readonly FaceRun<Face>[]) => {
    const joined = merged(current);
    pieces.push({ parts: joined, width: widthOf(joined, measure) });
  };
  let current: FaceRun<Face>[] = [];
  for (const c of characters) {
    if (current.length > 0 && widthOf(withoutTrailingSpace(merged([...current, c])), measure) > maxWidth) {
      close(current);
      current = [c];
    } else current.push(c);
  }
  if (current.length > 0) close(current);
  return pieces;
}

/** Adjacent parts in the same face joined. */
function merged<Face extends string>(parts: readonly FaceRun<Face>[]): FaceRun<Face>[] {
  const out: FaceRun<Face>[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (last && last.face === p.face) out[out.length - 1] = { face: p.face, text: last.text + p.text };
    else if (p.text.length > 0) out.push(p);
  }
  return out;
}

function lineOf<Face extends string>(parts: readonly FaceRun<Face>[], measure: Measure<Face>): Line<Face> {
  let x = 0;
  const pieces = merged(parts).map((p) => {
    const width = measure(p.face, p.text);
    const piece = { face: p.face, text: p.text, x, width };
    x += width;
    return piece;
  });
  return { pieces, faces: [...new Set(pieces.map((p) => p.face))] };
}
