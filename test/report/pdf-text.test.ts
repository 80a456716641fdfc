/**
 * Text drawn by pdf-text.ts against pdfkit's own text() (fresh fontkit fonts, none of our caches) as the
 * reference: the same pixels, the same words where pdftotext finds them, and a font program that is fontkit's
 * subset of the glyphs drawn.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { fontsFor, type FontStyle } from '../../src/report/font-files.js';
import { parsedFontsFor } from '../../src/report/fonts.js';
import { createPdfText, type LineAnchor } from '../../src/report/pdf-text.js';

interface Sample {
  readonly face: FontStyle;
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly anchor: LineAnchor;
}

const dir = tempDir('pdf-text-');

function pdfDocument(): { doc: PDFKit.PDFDocument; bytes: Promise<Buffer> } {
  const doc = new PDFDocument({ size: 'A4', font: null, info: { CreationDate: new Date(0), ModDate: new Date(0) } } as unknown as PDFKit.PDFDocumentOptions);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return { doc, bytes: new Promise((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks)))) };
}

/** The samples drawn by pdfkit's text(), with its own fontkit fonts read from the files. */
function byPdfkit(locale: string, samples: readonly Sample[]): Promise<Buffer> {
  const { doc, bytes } = pdfDocument();
  for (const [style, face] of Object.entries(fontsFor(locale))) doc.registerFont(style, fs.readFileSync(face.file), face.face);
  for (const s of samples) doc.font(s.face).fontSize(s.size).text(s.text, s.x, s.y, { lineBreak: false, baseline: s.anchor === 'top' ? 'top' : 'alphabetic' });
  doc.end();
  return bytes;
}

/** The samples drawn by pdf-text.ts, one line each, with the product's (cached) fonts. */
function byPdfText(locale: string, samples: readonly Sample[]): Promise<Buffer> {
  const { doc, bytes } = pdfDocument();
  const text = createPdfText(doc, parsedFontsFor(locale));
  for (const s of samples) text.line([{ face: s.face, text: s.text, x: s.x }], s.y, s.size, s.anchor, '#000000');
  text.embed();
  doc.end();
  return bytes;
}

function saved(name: string, bytes: Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

async function pixels(file: string): Promise<Buffer> {
  return sharp(execFileSync('pdftoppm', ['-r', '100', '-gray', '-png', '-singlefile', file])).raw().toBuffer();
}

const words = (file: string) => [...execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' }).matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({ text: m[5], box: m.slice(1, 5).map(Number) }));

/** Every stream of a PDF with its dictionary (streams as pdfkit writes them: "stream\n" … "\nendstream"). */
function streams(pdf: Buffer): { dict: string; data: Buffer }[] {
  const out: { dict: string; data: Buffer }[] = [];
  let at = 0;
  for (;;) {
    const start = pdf.indexOf('stream\n', at);
    if (start < 0) return out;
    const end = pdf.indexOf('\nendstream', start);
    const dictStart = pdf.lastIndexOf(' obj', start);
    out.push({ dict: pdf.subarray(dictStart, start).toString('latin1'), data: pdf.subarray(start + 7, end) });
    at = end + 10;
  }
}

const latin: Sample[] = [
  { face: 'regular', text: 'AVATAR Tolkien WAVE, "quoted" — 12.6 % ≥ 200 DM', x: 40, y: 60, size: 11, anchor: 'top' },
  { face: 'bold', text: 'Raise the checking account balance: Yo, Te, Wa.', x: 40, y: 90, size: 9.5, anchor: 'top' },
  { face: 'italic', text: 'Übergröße façade naïve', x: 60.25, y: 130.5, size: 14, anchor: 'baseline' },
  // Combining marks: positioned by the font's mark attachment (glyph offsets), not by advances.
  { face: 'regular', text: 'Re\u0301sume\u0301 a\u0323\u0302 n\u0303', x: 40, y: 170, size: 20, anchor: 'top' },
  // The regular face starts with printable ASCII, so G, H, { and , are CIDs 0x28, 0x29, 0x5C and 0x0D: bytes a
  // literal string must escape ("(" unbalanced here, ")", a backslash, a carriage return a reader would take for an
  // end of line).
  { face: 'regular', text: 'GG{G, x{,,G H', x: 40, y: 210, size: 12, anchor: 'top' },
];
const chinese: Sample[] = [
  { face: 'regular', text: '您的申请（编号A0002）未获批准。“引号”', x: 40, y: 60, size: 12, anchor: 'top' },
  { face: 'bold', text: '主要原因：支票账户余额低', x: 40, y: 100, size: 10, anchor: 'baseline' },
];

describe('pdf-text: text without pdfkit text()', () => {
  for (const [locale, samples] of [['en', latin], ['zh-CN', chinese]] as const) {
    it(`draws ${locale} text where pdfkit draws it: the same pixels and the same words`, async () => {
      const reference = saved(`${locale}-pdfkit.pdf`, await byPdfkit(locale, samples));
      const ours = saved(`${locale}-ours.pdf`, await byPdfText(locale, samples));
      const [a, b] = [await pixels(reference), await pixels(ours)];
      expect(b.length).toBe(a.length);
      let differing = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
      expect(differing).toBe(0);
      // The ink is there: the comparison would pass on two empty pages.
      expect(a.filter((v) => v < 128).length).toBeGreaterThan(500);
      const [wa, wb] = [words(reference), words(ours)];
      expect(wb.map((w) => w.text)).toEqual(wa.map((w) => w.text));
      wb.forEach((w, i) => w.box.forEach((v, k) => expect(v).toBeCloseTo(wa[i].box[k], 3)));
      // Poppler reads a bare carriage return in a string as that byte; the standard makes it an end of line.
      const content = streams(fs.readFileSync(ours)).map((st) => zlib.inflateSync(st.data)).filter((d) => d.toString('latin1', 0, 11) === '1 0 0 -1 0 '); // pdfkit's page content starts by flipping y
      expect(content.length).toBeGreaterThan(0);
      for (const c of content) expect(c.includes(0x0d)).toBe(false);
      if (locale === 'en') for (const escaped of ['\\(', '\\)', '\\\\', '\\r']) expect(content.some((c) => c.includes(escaped)), escaped).toBe(true);
      const fonts = execFileSync('pdffonts', [ours], { encoding: 'utf8' }).trim().split('\n').slice(2);
      expect(fonts).toHaveLength(samples.length === latin.length ? 3 : 2);
      for (const line of fonts) expect(line).toMatch(locale === 'en' ? /CID TrueType\s+Identity-H\s+yes yes yes/ : /CID Type 0C\s+Identity-H\s+yes yes yes/);
    });
  }

  it('embeds fontkit\'s subset of the glyphs drawn, in the order drawn, compressed, with its length', async () => {
    const text = 'Office of Fair Lending, 2026 – Übersicht';
    const pdf = await byPdfText('en', [{ face: 'bold', text, x: 40, y: 40, size: 10, anchor: 'top' }]);
    const programs = streams(pdf).filter((s) => s.dict.includes('/Length1'));
    expect(programs).toHaveLength(1);
    const program = zlib.inflateSync(programs[0].data);
    expect(programs[0].dict).toContain(`/Length1 ${program.length}`);
    const plain = fontkit.create(fs.readFileSync(fontsFor('en').bold.file));
    const subset = plain.createSubset();
    for (const word of text.match(/[^ \t]*[ \t]?/g)!.filter(Boolean)) for (const g of plain.layout(word).glyphs) subset.includeGlyph(g.id);
    expect(Buffer.from(subset.encode()).equals(program)).toBe(true);
  });

  it('starts the regular face with printable ASCII, so documents differing in ASCII words share its subset', async () => {
    const regular = (text: string) => byPdfText('en', [{ face: 'regular', text, x: 40, y: 40, size: 10, anchor: 'top' }]);
    const program = async (text: string) => zlib.inflateSync(streams(await regular(text)).find((s) => s.dict.includes('/Length1'))!.data);
    const [jordan, alex, umlaut] = [await program('Dear Jordan Example, 12 Elm Street'), await program('Dear Alex Sample, 7 Oak Road'), await program('Dear Jördan')];
    expect(alex.equals(jordan)).toBe(true);
    expect(umlaut.equals(jordan)).toBe(false);
    const plain = fontkit.create(fs.readFileSync(fontsFor('en').regular.file));
    const subset = plain.createSubset();
    for (let c = 0x20; c <= 0x7e; c++) subset.includeGlyph(plain.glyphForCodePoint(c).id);
    expect(Buffer.from(subset.encode()).equals(jordan)).toBe(true);
  });

  it('gives the same glyphs the same subset (same name and bytes) in every document, and other glyphs another', async () => {
    const draw = (text: string) => byPdfText('en', [{ face: 'bold', text, x: 40, y: 40, size: 10, anchor: 'top' }]);
    const subsetOf = (pdf: Buffer) => ({ name: /\/BaseFont \/([A-Z]{6}\+DejaVuSans-Bold)/.exec(pdf.toString('latin1'))![1], program: streams(pdf).find((s) => s.dict.includes('/Length1'))!.data });
    const [first, again, other] = [subsetOf(await draw('checking account')), subsetOf(await draw('checking account')), subsetOf(await draw('checking accounts'))];
    expect(again.name).toBe(first.name);
    expect(again.program.equals(first.program)).toBe(true);
    expect(other.name).not.toBe(first.name);
    expect(other.program.equals(first.program)).toBe(false);
  });

  it('writes the characters drawn, whatever the process drew before; a missing glyph reads as U+FFFD', async () => {
    // Noto CJK draws the ideographs 乙 and 风 and the radicals U+2F04 and U+2EDB with shared glyphs, and U+00B7
    // (middle dot) and U+2022 (bullet) with one glyph. fontkit names a glyph after what first reached it.
    await byPdfText('zh-CN', [{ face: 'regular', text: '• \u2F04 \u2EDB', x: 40, y: 40, size: 10, anchor: 'top' }]);
    const file = saved('shared-glyph.pdf', await byPdfText('zh-CN', [{ face: 'regular', text: '乙 · 丙 • 丁 风险', x: 40, y: 40, size: 10, anchor: 'top' }]));
    // One glyph, one code in a document: the bullet reads as the middle dot drawn before it.
    expect(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '')).toBe('乙·丙·丁风险');
    // DejaVu Sans has no glyph for 中: .notdef is drawn, and copied text says a character is missing.
    const missing = saved('missing.pdf', await byPdfText('en', [{ face: 'regular', text: 'a 中 b', x: 40, y: 40, size: 10, anchor: 'top' }]));
    expect(execFileSync('pdftotext', [missing, '-'], { encoding: 'utf8' }).replace(/\s+/g, '')).toBe('a\uFFFDb');
  });
});
