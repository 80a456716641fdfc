/**
 * Text on pdfkit pages with fonts embedded by this module instead of pdfkit's `text()`.
 *
 * The PDF objects are the ones pdfkit writes for an embedded font (a Type 0 font with Identity-H encoding, a
 * CIDFontType2 or CIDFontType0 descendant holding the subset program, a ToUnicode CMap for copying and search) and
 * the text operators are the ones its fragment drawer writes (kerning as TJ adjustments, mark offsets as text
 * matrices). Why not pdfkit's own: it shapes each piece of text anew per document, and subsets, encodes and
 * compresses each font program per document; together that was most of a letter's rendering time. Here what does
 * not change between documents is kept for the process: a text's glyphs and advances, and a subset's compressed
 * program and CMap (documents with the same glyphs in the same order get the same subset).
 */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import type * as fontkit from 'fontkit';
import type { FontStyle } from './font-files.js';
import { shapingWords, type ParsedFontSet } from './fonts.js';

type Doc = PDFKit.PDFDocument;

/** A text in one face at `x` (points from the page's left edge). */
export interface PlacedText {
  readonly face: FontStyle;
  readonly text: string;
  readonly x: number;
}

/** Where `y` is on a line: its top (the text hangs from each face's ascent, as pdfkit places it) or its baseline. */
export type LineAnchor = 'top' | 'baseline';

export interface PdfText {
  /** Draws one line of texts, each in its face, at `size` points, in a colour (#rrggbb) and the current transformation. */
  line(texts: readonly PlacedText[], y: number, size: number, anchor: LineAnchor, colour: string): void;
  /** Writes the fonts the document used; once, after the last line and before the document ends. */
  embed(): void;
}

/**
 * A font as used by one document: its glyphs numbered (CIDs) in order of first use, 0 being .notdef, each with the
 * characters it first stood for in the document (for copying and search). The regular face, which carries each
 * case's own words (names, addresses, amounts), starts with printable ASCII: most documents of a template then need
 * the same glyphs in the same order and share one subset (without it almost every letter made its own, which cost
 * a sixth of a letter's time; the letter grows by about 5 KB).
 */
interface DocumentFace {
  readonly font: fontkit.Font;
  readonly resource: string;
  readonly dictionary: PDFKit.PDFKitReference;
  readonly cids: Map<number, number>;
  readonly glyphs: fontkit.Glyph[];
  readonly characters: (readonly number[])[];
  /** Each CID as the two bytes the text operators show it as (in a literal string, escaped). */
  readonly codes: string[];
}

export function createPdfText(doc: Doc, fonts: ParsedFontSet): PdfText {
  const faces = new Map<FontStyle, DocumentFace>();
  const faceOf = (style: FontStyle): DocumentFace => {
    let face = faces.get(style);
    if (!face) {
      const font = fonts[style];
      faces.set(style, (face = { font, resource: `T${faces.size + 1}`, dictionary: doc.ref({}), cids: new Map([[0, 0]]), glyphs: [font.getGlyph(0)], characters: [[]], codes: [cidBytes(0)] }));
      if (style === 'regular') for (let c = 0x20; c <= 0x7e; c++) cidOf(face, font.glyphForCodePoint(c), [c]);
    }
    return face;
  };
  return {
    line(texts, y, size, anchor, colour) {
      // The colour is set inside the line's own graphics state: nothing to track across lines, pages and drawings.
      const ops: string[] = [`q 1 0 0 -1 0 ${num(doc.page.height)} cm ${fillOperator(colour)} BT`];
      const pageFonts = doc.page.fonts as Record<string, PDFKit.PDFKitReference>;
      let current = '';
      for (const t of texts) {
        if (t.text.length === 0) continue;
        const face = faceOf(t.face);
        pageFonts[face.resource] ??= face.dictionary;
        if (current !== face.resource) {
          ops.push(`/${face.resource} ${num(size)} Tf`);
          current = face.resource;
        }
        const rise = anchor === 'top' ? (face.font.ascent / face.font.unitsPerEm) * size : 0;
        showText(ops, face, shaped(face.font, t.text), t.x, doc.page.height - y - rise, size);
      }
      ops.push('ET Q\n');
      // As bytes: pdfkit turns a string into bytes a character at a time (the operators are ASCII).
      doc.addContent(Buffer.from(ops.join('\n'), 'latin1'));
    },
    embed() {
      for (const face of faces.values()) embedFace(doc, face);
    },
  };
}

/** PDF numbers as pdfkit writes them: at most six decimals. */
const num = (n: number): number => Math.round(n * 1e6) / 1e6;

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/**
 * A CID's two bytes (Identity-H) as they stand in a literal string: half the size of pdfkit's hex strings, which is
 * less to build, convert and compress. The delimiters and backslash are escaped, and a carriage return, which a
 * reader would take for an end of line (PDF 32000-1, 7.3.4.2).
 */
function cidBytes(cid: number): string {
  return [cid >> 8, cid & 0xff].map((b) => (b === 0x28 || b === 0x29 || b === 0x5c ? `\\${String.fromCharCode(b)}` : b === 0x0d ? '\\r' : String.fromCharCode(b))).join('');
}

const fillOperators = new Map<string, string>();

/** `#rrggbb` → the DeviceRGB fill operator (what pdfkit's fillColor sets, written once instead of per block). */
function fillOperator(colour: string): string {
  let op = fillOperators.get(colour);
  if (op === undefined) {
    const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
    if (!m) throw new Error(`text colour ${JSON.stringify(colour)}: expected #rrggbb`);
    op = `${m.slice(1).map((h) => num(parseInt(h, 16) / 255)).join(' ')} rg`;
    fillOperators.set(colour, op);
  }
  return op;
}

/**
 * Text-showing operators for one text at baseline (x, y) in unflipped page space: runs of glyphs with the kerning
 * between them as TJ adjustments (thousandths of the size); a glyph with an offset (a positioned mark) is shown
 * alone at its own text matrix.
 */
function showText(ops: string[], face: DocumentFace, text: ShapedText, x: number, y: number, size: number): void {
  const perUnit = size / face.font.unitsPerEm;
  const toThousandths = 1000 / face.font.unitsPerEm;
  const codes = text.glyphs.map((g, i) => face.codes[cidOf(face, g, text.characters[i])]);
  ops.push(`1 0 0 1 ${num(x)} ${num(y)} Tm`);
  const parts: string[] = [];
  let from = 0;
  const segment = (to: number) => {
    if (from < to) parts.push(`(${codes.slice(from, to).join('')}) ${num(-text.kerning[to - 1] * toThousandths)}`);
    from = to;
  };
  const flush = (to: number) => {
    segment(to);
    if (parts.length > 0) ops.push(`[${parts.join(' ')}] TJ`);
    parts.length = 0;
  };
  let offsetShown = false;
  for (let i = 0; i < codes.length; i++) {
    const dx = text.xOffset[i];
    const dy = text.yOffset[i];
    if (dx || dy) {
      flush(i);
      ops.push(`1 0 0 1 ${num(x + dx * perUnit)} ${num(y + dy * perUnit)} Tm`);
      flush(i + 1);
      offsetShown = true;
    } else {
      if (offsetShown) {
        ops.push(`1 0 0 1 ${num(x)} ${num(y)} Tm`);
        offsetShown = false;
      }
      if (text.kerning[i] !== 0) segment(i + 1);
    }
    x += text.xAdvance[i] * perUnit;
  }
  flush(codes.length);
}

function cidOf(face: DocumentFace, glyph: fontkit.Glyph, characters: readonly number[]): number {
  let cid = face.cids.get(glyph.id);
  if (cid === undefined) {
    face.cids.set(glyph.id, (cid = face.glyphs.length));
    face.glyphs.push(glyph);
    face.characters.push(characters);
    face.codes.push(cidBytes(cid));
  }
  return cid;
}

/**
 * A text's glyphs with the characters each stands for, and their advances, offsets and kerning (advance less the
 * glyph's own width), in font units.
 */
interface ShapedText {
  readonly glyphs: readonly fontkit.Glyph[];
  readonly characters: readonly (readonly number[])[];
  readonly xAdvance: readonly number[];
  readonly xOffset: readonly number[];
  readonly yOffset: readonly number[];
  readonly kerning: readonly number[];
}

const SHAPED_LIMIT = 50_000;
const shapedTexts = new WeakMap<fontkit.Font, Map<string, ShapedText>>();
const shapedWords = new WeakMap<fontkit.Font, Map<string, ShapedText>>();

/** A text shaped a word at a time (each with its trailing space or tab), as pdfkit and the line layout measure it. */
function shaped(font: fontkit.Font, text: string): ShapedText {
  let cache = shapedTexts.get(font);
  if (!cache) shapedTexts.set(font, (cache = new Map()));
  let result = cache.get(text);
  if (!result) {
    const joined = { glyphs: [] as fontkit.Glyph[], characters: [] as (readonly number[])[], xAdvance: [] as number[], xOffset: [] as number[], yOffset: [] as number[], kerning: [] as number[] };
    for (const word of shapingWords(text)) {
      const w = shapedWord(font, word);
      joined.glyphs.push(...w.glyphs);
      joined.characters.push(...w.characters);
      joined.xAdvance.push(...w.xAdvance);
      joined.xOffset.push(...w.xOffset);
      joined.yOffset.push(...w.yOffset);
      joined.kerning.push(...w.kerning);
    }
    result = joined;
    if (cache.size >= SHAPED_LIMIT) cache.clear();
    cache.set(text, result);
  }
  return result;
}

function shapedWord(font: fontkit.Font, word: string): ShapedText {
  let cache = shapedWords.get(font);
  if (!cache) shapedWords.set(font, (cache = new Map()));
  let result = cache.get(word);
  if (!result) {
    const { glyphs, positions } = font.layout(word);
    result = {
      glyphs,
      characters: charactersOf(font, word, glyphs),
      xAdvance: positions.map((p) => p.xAdvance),
      xOffset: positions.map((p) => p.xOffset),
      yOffset: positions.map((p) => p.yOffset),
      kerning: positions.map((p, i) => p.xAdvance - glyphs[i].advanceWidth),
    };
    if (cache.size >= SHAPED_LIMIT) cache.clear();
    cache.set(word, result);
  }
  return result;
}

/**
 * The characters each glyph of a shaped word stands for. Where shaping kept one glyph per character, each the
 * glyph the character map gives, glyph i is character i. fontkit's own `codePoints` are the characters a glyph was
 * first reached from in the process, and one glyph can serve several (Noto CJK draws U+98CE 风 and the radical
 * U+2EDB ⻛ alike): copied text would depend on what the process rendered before. Glyphs made by substitution
 * (ligatures) keep fontkit's characters.
 */
function charactersOf(font: fontkit.Font, word: string, glyphs: readonly fontkit.Glyph[]): readonly (readonly number[])[] {
  const codePoints = [...word].map((c) => c.codePointAt(0)!);
  const aligned = codePoints.length === glyphs.length && codePoints.every((c, i) => font.glyphForCodePoint(c).id === glyphs[i].id);
  return aligned ? codePoints.map((c) => [c]) : glyphs.map((g) => g.codePoints);
}

/** A subset ready to embed: the compressed font program and ToUnicode CMap, and the subset's name tag. */
interface EmbeddableSubset {
  readonly program: Buffer;
  /** Length of the program uncompressed (FontFile2 needs it). */
  readonly programLength: number;
  readonly cff: boolean;
  readonly toUnicode: Buffer;
  readonly tag: string;
}

/** Compressed subsets kept per face (a CJK subset is 100 KB or more, a Latin one a few KB). */
const SUBSET_CACHE_BYTES = 8 * 1024 * 1024;
const subsets = new WeakMap<fontkit.Font, { readonly byGlyphs: Map<string, EmbeddableSubset>; bytes: number }>();

/** The subset of a document's glyphs, made once per process: the same glyphs and characters give the same bytes. */
function subsetOf(font: fontkit.Font, glyphs: readonly fontkit.Glyph[], characters: readonly (readonly number[])[]): EmbeddableSubset {
  let cache = subsets.get(font);
  if (!cache) subsets.set(font, (cache = { byGlyphs: new Map(), bytes: 0 }));
  const key = `${glyphs.map((g) => g.id).join(',')}|${characters.map((c) => c.join('+')).join(',')}`;
  let subset = cache.byGlyphs.get(key);
  if (!subset) {
    const fontkitSubset = font.createSubset();
    for (const [cid, glyph] of glyphs.entries()) {
      if (fontkitSubset.includeGlyph(glyph.id) !== cid) throw new Error(`font subset of ${font.postscriptName}: glyph ${glyph.id} did not get id ${cid}`);
    }
    const program = fontkitSubset.encode();
    subset = {
      program: zlib.deflateSync(program),
      programLength: program.byteLength,
      cff: fontkitSubset.cff != null,
      toUnicode: zlib.deflateSync(toUnicodeCmap(characters)),
      // Six capital letters, the same for the same subset (PDF 32000-1, 9.6.4).
      tag: [...createHash('sha256').update(`${font.postscriptName}\u0000${key}`).digest().subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join(''),
    };
    const size = subset.program.byteLength + subset.toUnicode.byteLength;
    if (cache.bytes + size > SUBSET_CACHE_BYTES) {
      cache.byGlyphs.clear();
      cache.bytes = 0;
    }
    cache.byGlyphs.set(key, subset);
    cache.bytes += size;
  }
  return subset;
}

function embedFace(doc: Doc, face: DocumentFace): void {
  const { font } = face;
  const subset = subsetOf(font, face.glyphs, face.characters);
  const scale = 1000 / font.unitsPerEm;
  const name = `${subset.tag}+${font.postscriptName.replaceAll(' ', '_')}`;
  const program = doc.ref(subset.cff ? { Filter: 'FlateDecode', Subtype: 'CIDFontType0C' } : { Filter: 'FlateDecode', Length1: subset.programLength });
  program.end(subset.program);
  const familyClass = (font['OS/2']?.sFamilyClass ?? 0) >> 8;
  // Flags (PDF 32000-1, table 123): fixed pitch, serif, symbolic (glyphs outside the standard Latin set), script, italic.
  const flags = (font.post.isFixedPitch ? 1 : 0) | (familyClass >= 1 && familyClass <= 7 ? 2 : 0) | 4 | (familyClass === 10 ? 8 : 0) | (font.head.macStyle.italic ? 64 : 0);
  const { bbox } = font;
  const descriptor = doc.ref({
    Type: 'FontDescriptor',
    FontName: name,
    Flags: flags,
    FontBBox: [bbox.minX * scale, bbox.minY * scale, bbox.maxX * scale, bbox.maxY * scale],
    ItalicAngle: font.italicAngle,
    Ascent: font.ascent * scale,
    Descent: font.descent * scale,
    CapHeight: (font.capHeight || font.ascent) * scale,
    XHeight: (font.xHeight || 0) * scale,
    StemV: 0,
    [subset.cff ? 'FontFile3' : 'FontFile2']: program,
  });
  descriptor.end(undefined);
  const descendant = doc.ref({
    Type: 'Font',
    Subtype: subset.cff ? 'CIDFontType0' : 'CIDFontType2',
    BaseFont: name,
    // String objects are written as PDF strings, plain strings as names.
    CIDSystemInfo: { Registry: new String('Adobe'), Ordering: new String('Identity'), Supplement: 0 },
    FontDescriptor: descriptor,
    W: [0, face.glyphs.map((g) => g.advanceWidth * scale)],
    ...(subset.cff ? {} : { CIDToGIDMap: 'Identity' }),
  });
  descendant.end(undefined);
  const toUnicode = doc.ref({ Filter: 'FlateDecode' });
  toUnicode.end(subset.toUnicode);
  Object.assign(face.dictionary.data, { Type: 'Font', Subtype: 'Type0', BaseFont: name, Encoding: 'Identity-H', DescendantFonts: [descendant], ToUnicode: toUnicode });
  face.dictionary.end(undefined);
}

/**
 * ToUnicode CMap (PDF 32000-1, 9.10.3): each CID to its characters in UTF-16BE; .notdef (drawn for a character
 * the font lacks) and a glyph that stands for no character to U+FFFD.
 */
function toUnicodeCmap(characters: readonly (readonly number[])[]): string {
  const entries = characters.map((c, cid) => `<${cid === 0 || c.length === 0 ? 'fffd' : c.map(hexUtf16).join('')}>`);
  const ranges: string[] = [];
  // A range may vary only in its last byte (so 256 codes from a multiple of 256); a block holds at most 100 ranges.
  for (let start = 0; start < entries.length; start += 256) {
    const end = Math.min(start + 256, entries.length);
    ranges.push(`<${hex4(start)}> <${hex4(end - 1)}> [${entries.slice(start, end).join(' ')}]`);
  }
  const blocks: string[] = [];
  for (let i = 0; i < ranges.length; i += 100) blocks.push(`${Math.min(100, ranges.length - i)} beginbfrange\n${ranges.slice(i, i + 100).join('\n')}\nendbfrange`);
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <ffff>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

/** A code point as UTF-16BE hex (a surrogate pair above U+FFFF). */
function hexUtf16(codePoint: number): string {
  if (codePoint <= 0xffff) return hex4(codePoint);
  const v = codePoint - 0x10000;
  return hex4(0xd800 | (v >>> 10)) + hex4(0xdc00 | (v & 0x3ff));
}
