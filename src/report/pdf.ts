/**
 * Document model → PDF with pdfkit: embedded (subset) fonts per locale, headings kept with what follows, tables
 * that repeat their header across pages, figures side by side, a running footer with page numbers. Dates come
 * from the caller (the decision time) so the same case gives the same bytes; attachments carry machine-readable
 * records inside the PDF.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import PDFDocument from 'pdfkit';
import type { Block, Figure, Inline, ReportDocument, Run } from './document.js';
import { plainText } from './document.js';
import { assetOf, isDrawing, type Assets, type Drawing } from './assets.js';
import type { FontStyle } from './font-files.js';
import type { ParsedFontSet } from './fonts.js';
import { advanceWidth, lineHeight } from './fonts.js';
import { layoutLines, type LinePiece } from './line-layout.js';
import { createPdfText, type PdfText } from './pdf-text.js';
import { STYLE } from './style.js';

export interface PdfAttachment {
  readonly name: string;
  readonly mime: string;
  readonly description: string;
  readonly data: Uint8Array;
}

export interface PdfOptions {
  readonly fonts: ParsedFontSet;
  /** Creation and modification date written into the PDF (and its file id): pin it for reproducible bytes. */
  readonly date: Date;
  readonly attachments?: readonly PdfAttachment[];
  /** Page label, e.g. "Page {page} of {pages}". */
  readonly pageLabel: string;
}

type Doc = PDFKit.PDFDocument;

/** The sRGB IEC 61966-2.1 profile pdfkit ships (beside its entry point), compressed once per process. */
const compressedSrgb = (() => {
  let profile: Buffer | null = null;
  const file = () => path.join(path.dirname(createRequire(import.meta.url).resolve('pdfkit')), 'data', 'sRGB_IEC61966_2_1.icc');
  return () => (profile ??= zlib.deflateSync(fs.readFileSync(file())));
})();

/**
 * pdfkit's PDF/A output intent (`_addColorOutputIntent`, which it copies onto each PDF/A document and calls when
 * the document ends) with the profile compressed once per process: pdfkit deflates the same 3 KB again for every
 * document, about 3 % of a letter's time. The objects are pdfkit's; a test checks them.
 */
function addOutputIntent(this: Doc): void {
  const data = compressedSrgb();
  const profile = this.ref({ Length: data.length, N: 3, Filter: 'FlateDecode' });
  profile.end(data);
  const intent = this.ref({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    Info: new String('sRGB IEC61966-2.1'),
    OutputConditionIdentifier: new String('sRGB IEC61966-2.1'),
    DestOutputProfile: profile,
  });
  intent.end(undefined);
  (this as unknown as { _root: { data: Record<string, unknown> } })._root.data.OutputIntents = [intent];
}

/**
 * An associated file (PDF/A-3: listed in the catalog's AF array with its relationship, and in the EmbeddedFiles
 * name tree): the objects pdfkit's `file()` writes. pdfkit computes the file's MD5 checksum in JavaScript, about a
 * quarter of a millisecond for a letter's record; node:crypto's is native. A test checks the objects and extracts
 * the file with pdfdetach.
 */
function attach(doc: Doc, attachment: PdfAttachment, date: Date): void {
  const data = Buffer.from(attachment.data);
  // Keys in pdfkit's order: the 32 demo PDFs came out byte-identical to pdfkit's own when this replaced `file()`.
  // pdfkit writes a plain string as a name, as it stands: the MIME type's slash is escaped here.
  const file = doc.ref({
    Type: 'EmbeddedFile',
    Params: { CreationDate: date, ModDate: date, CheckSum: new String(createHash('md5').update(data).digest('hex')), Size: data.byteLength },
    Subtype: pdfName(attachment.mime),
  });
  file.end(data);
  const spec = doc.ref({ Type: 'Filespec', AFRelationship: 'Data', F: new String(attachment.name), EF: { F: file }, UF: new String(attachment.name), Desc: new String(attachment.description) });
  spec.end(undefined);
  const catalog = (doc as unknown as { _root: { data: { AF?: PDFKit.PDFKitReference[] } } })._root.data;
  (doc as unknown as { addNamedEmbeddedFile(name: string, ref: PDFKit.PDFKitReference): void }).addNamedEmbeddedFile(attachment.name, spec);
  catalog.AF = [...(catalog.AF ?? []), spec];
}

/** A name's characters outside the regular ones (PDF 32000-1, 7.3.5: delimiters, #, white space) as #xx. */
function pdfName(name: string): string {
  return name.replace(/[^!-~]|[#%()/<>[\]{}]/g, (c) => [...Buffer.from(c, 'utf8')].map((b) => `#${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

/** The document being written, the fonts its text is laid out with, and the text drawer that embeds them. */
interface Pdf {
  readonly doc: Doc;
  readonly fonts: ParsedFontSet;
  readonly text: PdfText;
}

export function renderPdf(report: ReportDocument, assets: Assets, options: PdfOptions): Promise<Buffer> {
  const margin = STYLE.page.margin;
  const doc: Doc = new PDFDocument({
    size: STYLE.page.size,
    margins: { top: margin, bottom: margin + 14, left: margin, right: margin },
    bufferPages: true,
    autoFirstPage: true,
    lang: report.lang,
    displayTitle: true,
    pdfVersion: '1.7',
    // PDF/A-3b: archivable (fonts embedded, sRGB output intent, XMP metadata) and allowed to carry the
    // machine-readable decision record as an associated file.
    subset: 'PDF/A-3b',
    // No pdfkit font: pdfkit would otherwise set up Helvetica, which it cannot embed; text is drawn by pdf-text.ts.
    font: null,
    info: { Title: report.title, Creator: 'lrp-report', Producer: 'lrp-report (pdfkit)', CreationDate: options.date, ModDate: options.date },
  } as unknown as PDFKit.PDFDocumentOptions);
  // Fails loudly if a pdfkit release stops calling it by this name (the profile would then be compressed per document).
  if (typeof (doc as unknown as Record<string, unknown>)._addColorOutputIntent !== 'function') throw new Error('pdfkit no longer has _addColorOutputIntent: review addOutputIntent in pdf.ts');
  Object.assign(doc, { _addColorOutputIntent: addOutputIntent });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const pdf: Pdf = { doc, fonts: options.fonts, text: createPdfText(doc, options.fonts) };

  for (const [i, block] of report.blocks.entries()) drawBlock(pdf, block, assets, report.blocks[i + 1]);
  for (const a of options.attachments ?? []) attach(doc, a, options.date);
  drawFooters(pdf, report.footer, options.pageLabel);
  pdf.text.embed();
  doc.end();
  return done;
}

const contentWidth = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
const bottom = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

/** Down by a number of lines of regular text at a size (pdfkit's `moveDown` at that font size). */
function moveDown({ doc, fonts }: Pdf, lines: number, size: number): void {
  doc.y += lineHeight(fonts.regular, size) * lines;
}

/** Width of a text in points. */
function widthOf({ fonts }: Pdf, face: FontStyle, text: string, size: number): number {
  return (advanceWidth(fonts[face], text) / fonts[face].unitsPerEm) * size;
}

function fontOf(run: Run): FontStyle {
  return run.bold ? 'bold' : run.italic ? 'italic' : 'regular';
}

interface LaidLine {
  readonly pieces: readonly LinePiece<FontStyle>[];
  /** Baseline to baseline, pdfkit's line gap and ours included. */
  readonly advance: number;
}

const PARAGRAPH_CACHE_LIMIT = 20_000;
const paragraphs = new WeakMap<ParsedFontSet, Map<string, readonly LaidLine[]>>();

/** A paragraph's lines at a size and width: laid out once per process for each font set (letters repeat most paragraphs). */
function linesOf(pdf: Pdf, content: Inline, width: number, size: number): readonly LaidLine[] {
  const { fonts } = pdf;
  let cache = paragraphs.get(fonts);
  if (!cache) paragraphs.set(fonts, (cache = new Map()));
  const key = `${size}\u0000${width}\u0000${JSON.stringify(content)}`;
  let lines = cache.get(key);
  if (!lines) {
    const runs = content.map((r) => ({ face: fontOf(r), text: r.text }));
    lines = layoutLines(runs, width, (face: FontStyle, text: string) => widthOf(pdf, face, text, size)).map((line) => ({
      pieces: line.pieces,
      advance: Math.max(...(line.faces.length > 0 ? line.faces : (['regular'] as const)).map((f) => lineHeight(fonts[f], size))) + STYLE.text.lineGap,
    }));
    if (cache.size >= PARAGRAPH_CACHE_LIMIT) cache.clear();
    cache.set(key, lines);
  }
  return lines;
}

/** Rich text as one paragraph, its runs in their faces; a line that does not fit on the page starts the next one. */
function writeRuns(pdf: Pdf, content: Inline, x: number, width: number, size: number, colour: string): void {
  if (content.length === 0) return;
  const { doc } = pdf;
  for (const line of linesOf(pdf, content, width, size)) {
    if (doc.y + line.advance - STYLE.text.lineGap > bottom(doc)) doc.addPage();
    const y = doc.y;
    pdf.text.line(line.pieces.map((p) => ({ face: p.face, text: p.text, x: x + p.x })), y, size, 'top', colour);
    doc.x = x;
    doc.y = y + line.advance;
  }
}

/** Height of rich text as writeRuns draws it (at least one line, also for no text). */
function textHeight(pdf: Pdf, content: Inline, width: number, size: number): number {
  return linesOf(pdf, content, width, size).reduce((sum, line) => sum + line.advance, 0);
}

const emphasised = (content: Inline): Inline => content.map((r) => ({ ...r, bold: true }));

function drawBlock(pdf: Pdf, block: Block, assets: Assets, next: Block | undefined): void {
  const { doc } = pdf;
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  switch (block.kind) {
    case 'heading': {
      const size = STYLE.heading[block.level];
      // Keep a heading with the start of what follows it.
      const following = next && next.kind !== 'heading' ? Math.min(60, next.kind === 'figures' ? STYLE.figure.maxHeight : 40) : 0;
      const content = emphasised(block.content);
      ensureSpace(doc, textHeight(pdf, content, width, size) + following + 10);
      // The space above a heading is in proportion to the heading's size.
      moveDown(pdf, block.level === 1 ? 0 : 0.6, size);
      writeRuns(pdf, content, left, width, size, STYLE.headingColour);
      if (block.level === 2) {
        doc.moveTo(left, doc.y + 1).lineTo(left + width, doc.y + 1).lineWidth(0.6).strokeColor(STYLE.rule).stroke();
      }
      moveDown(pdf, 0.35, size);
      return;
    }
    case 'paragraph': {
      const size = block.small ? STYLE.text.small : STYLE.text.size;
      writeRuns(pdf, block.content, left, width, size, block.small ? STYLE.text.muted : STYLE.text.colour);
      moveDown(pdf, 0.4, size);
      return;
    }
    case 'banner': {
      const pad = 6;
      const colours = STYLE.banner[block.level];
      const height = textHeight(pdf, block.content, width - 2 * pad - 3, STYLE.text.size) + 2 * pad;
      ensureSpace(doc, height + 4);
      const top = doc.y;
      doc.rect(left, top, width, height).fill(colours.fill);
      doc.rect(left, top, 3, height).fill(colours.border);
      doc.y = top + pad;
      writeRuns(pdf, block.content, left + pad + 3, width - 2 * pad - 3, STYLE.text.size, colours.text);
      doc.y = top + height;
      moveDown(pdf, 0.5, STYLE.text.size);
      return;
    }
    case 'list': {
      for (const item of block.items) {
        ensureSpace(doc, textHeight(pdf, item, width - 12, STYLE.text.size));
        const top = doc.y;
        pdf.text.line([{ face: 'regular', text: '•', x: left + 2 }], top, STYLE.text.size, 'top', STYLE.text.colour);
        writeRuns(pdf, item, left + 12, width - 12, STYLE.text.size, STYLE.text.colour);
        moveDown(pdf, 0.15, STYLE.text.size);
      }
      moveDown(pdf, 0.3, STYLE.text.size);
      return;
    }
    case 'table':
      drawTable(pdf, block.header, block.rows, left, width);
      moveDown(pdf, 0.5, STYLE.text.size);
      return;
    case 'figures':
      drawFigures(pdf, block.figures, assets, left, width);
      return;
  }
}

/**
 * Column widths: every column at least as wide as its longest word (no word is split), the rest of the width
 * shared in proportion to each column's longest cell, so short columns stay narrow and long text gets room.
 */
function columnWidths(pdf: Pdf, header: readonly Inline[] | null, rows: readonly (readonly Inline[])[], width: number): number[] {
  const all = header ? [header, ...rows] : rows;
  const columns = all[0]?.length ?? 0;
  const pad = 2 * STYLE.table.padding + 1;
  const minimum = Array.from({ length: columns }, (_, j) => Math.max(...all.flatMap((r) => plainText(r[j]).split(/\s+/).map((w) => widthOf(pdf, 'bold', w, STYLE.text.size) + pad))));
  const weights = Array.from({ length: columns }, (_, j) => Math.min(48, Math.max(4, ...all.map((r) => plainText(r[j]).length))));
  const spare = Math.max(0, width - minimum.reduce((s, w) => s + w, 0));
  const total = weights.reduce((s, w) => s + w, 0);
  const widths = minimum.map((m, j) => m + (spare * weights[j]) / total);
  const scale = width / widths.reduce((s, w) => s + w, 0);
  return widths.map((w) => w * scale);
}

function drawTable(pdf: Pdf, header: readonly Inline[] | null, rows: readonly (readonly Inline[])[], left: number, width: number): void {
  const { doc } = pdf;
  const pad = STYLE.table.padding;
  const widths = columnWidths(pdf, header, rows, width);
  const size = STYLE.text.size;
  const rowHeight = (cells: readonly Inline[]) => Math.max(...cells.map((c, j) => textHeight(pdf, c, widths[j] - 2 * pad, size))) + 2 * pad;
  const drawRow = (cells: readonly Inline[], height: number, isHeader: boolean) => {
    const top = doc.y;
    let x = left;
    cells.forEach((cell, j) => {
      if (isHeader) doc.rect(x, top, widths[j], height).fill(STYLE.table.headerFill);
      doc.rect(x, top, widths[j], height).lineWidth(0.5).strokeColor(STYLE.table.border).stroke();
      doc.y = top + pad;
      writeRuns(pdf, cell, x + pad, widths[j] - 2 * pad, size, STYLE.text.colour);
      x += widths[j];
    });
    doc.x = left;
    doc.y = top + height;
  };
  const headerCells = header?.map(emphasised);
  const headerHeight = headerCells ? rowHeight(headerCells) : 0;
  const drawHeader = () => headerCells && drawRow(headerCells, headerHeight, true);
  const heights = rows.map(rowHeight);
  ensureSpace(doc, headerHeight + (heights[0] ?? 0));
  drawHeader();
  rows.forEach((row, i) => {
    if (doc.y + heights[i] > bottom(doc)) {
      doc.addPage();
      drawHeader();
    }
    drawRow(row, heights[i], false);
  });
}

/** PNG size from its IHDR chunk (bytes 16–23, big-endian): enough to lay images out before drawing them. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function drawFigures(pdf: Pdf, figures: readonly Figure[], assets: Assets, left: number, width: number): void {
  const { doc } = pdf;
  const gap = STYLE.figure.gap;
  const slot = (width - gap * (figures.length - 1)) / figures.length;
  const boxes = figures.map((f) => {
    const asset = assetOf(assets, f.asset);
    const { width: w, height: h } = isDrawing(asset) ? asset : pngSize(asset);
    const scale = Math.min(slot / w, STYLE.figure.maxHeight / h);
    return { asset, scale, w: w * scale, h: h * scale, caption: f.caption };
  });
  const imageHeight = Math.max(...boxes.map((b) => b.h));
  const captionHeight = Math.max(...boxes.map((b) => textHeight(pdf, b.caption, slot, STYLE.figure.captionSize)));
  ensureSpace(doc, imageHeight + captionHeight + 8);
  const top = doc.y;
  boxes.forEach((b, i) => {
    const x = left + i * (slot + gap);
    if (isDrawing(b.asset)) drawDrawing(pdf, b.asset, x + (slot - b.w) / 2, top, b.scale);
    else doc.image(Buffer.from(b.asset), x + (slot - b.w) / 2, top, { width: b.w, height: b.h });
    doc.y = top + imageHeight + 3;
    writeRuns(pdf, b.caption, x, slot, STYLE.figure.captionSize, STYLE.text.muted);
  });
  doc.x = left;
  doc.y = top + imageHeight + 3 + captionHeight + 8;
}

/** A drawing at (x, y), its units scaled by `scale`; its text in the report's fonts, placed on its baseline. */
function drawDrawing(pdf: Pdf, drawing: Drawing, x: number, y: number, scale: number): void {
  const { doc } = pdf;
  doc.save();
  doc.translate(x, y).scale(scale);
  for (const item of drawing.items) {
    switch (item.shape) {
      case 'rect':
        doc.rect(item.x, item.y, item.width, item.height).fill(item.fill);
        break;
      case 'line':
        doc.moveTo(item.x1, item.y1).lineTo(item.x2, item.y2).lineWidth(item.strokeWidth).strokeColor(item.stroke).stroke();
        break;
      case 'text': {
        const face = item.bold ? 'bold' : 'regular';
        const start = item.anchor === 'end' ? item.x - widthOf(pdf, face, item.text, item.size) : item.x;
        pdf.text.line([{ face, text: item.text, x: start }], item.y, item.size, 'baseline', item.fill);
        break;
      }
    }
  }
  doc.restore();
}

/**
 * The footer on every page: its text on at most two lines (the rest cut, the cut marked with an ellipsis), the page
 * label right-aligned beside it. The footer sits in the bottom margin, so it never adds a page.
 */
function drawFooters(pdf: Pdf, footer: string, pageLabel: string): void {
  const { doc } = pdf;
  const size = STYLE.page.footerSize;
  const labelWidth = 70;
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const left = doc.page.margins.left;
    const width = contentWidth(doc);
    const y = doc.page.height - doc.page.margins.bottom + 12;
    const label = pageLabel.replace('{page}', String(i + 1)).replace('{pages}', String(range.count));
    footerLines(pdf, footer, width - labelWidth, size).forEach((line, n) => pdf.text.line([{ face: 'regular', text: line, x: left }], y + n * lineHeight(pdf.fonts.regular, size), size, 'top', STYLE.text.muted));
    pdf.text.line([{ face: 'regular', text: label, x: left + width - widthOf(pdf, 'regular', label, size) }], y, size, 'top', STYLE.text.muted);
  }
}

const FOOTER_LINES = 2;
const footers = new WeakMap<ParsedFontSet, Map<string, readonly string[]>>();

/**
 * A footer's lines within a width, at most FOOTER_LINES; a longer footer ends its last line with an ellipsis.
 * Kept per font set for the process, like paragraphs: every page of every letter has the same footer.
 */
function footerLines(pdf: Pdf, footer: string, width: number, size: number): readonly string[] {
  let cache = footers.get(pdf.fonts);
  if (!cache) footers.set(pdf.fonts, (cache = new Map()));
  const key = `${size}\u0000${width}\u0000${footer}`;
  let lines = cache.get(key);
  if (!lines) {
    if (cache.size >= PARAGRAPH_CACHE_LIMIT) cache.clear();
    cache.set(key, (lines = fitFooter(pdf, footer, width, size)));
  }
  return lines;
}

function fitFooter(pdf: Pdf, footer: string, width: number, size: number): string[] {
  const lines = layoutLines([{ face: 'regular' as const, text: footer }], width, (face, text) => widthOf(pdf, face, text, size)).map((l) => l.pieces.map((p) => p.text).join('').trimEnd());
  if (lines.length <= FOOTER_LINES) return lines;
  const kept = lines.slice(0, FOOTER_LINES);
  const chars = [...kept[FOOTER_LINES - 1]];
  while (chars.length > 0 && widthOf(pdf, 'regular', `${chars.join('').trimEnd()}…`, size) > width) chars.pop();
  kept[FOOTER_LINES - 1] = `${chars.join('').trimEnd()}…`;
  return kept;
}
