/** Line layout for the PDF renderer: hand-computed cases, pdfkit's own wrapper as a reference, and its invariants. */
import fs from 'node:fs';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { fontsFor, type FontStyle } from '../../src/report/font-files.js';
import { advanceWidth, lineHeight, parsedFontsFor } from '../../src/report/fonts.js';
import { layoutLines, type FaceRun, type Line } from '../../src/report/line-layout.js';
import { rng } from '../helpers/random.js';

type Face = 'regular' | 'bold';
/** Every character one unit wide, bold ones two: widths a reader can add up. */
const mono = (face: Face, text: string) => Array.from(text).length * (face === 'bold' ? 2 : 1);
const texts = (lines: readonly Line<string>[]) => lines.map((l) => l.pieces.map((p) => p.text).join(''));

describe('line layout', () => {
  it('fills lines greedily; a segment must fit without its trailing space, which is invisible at the line end', () => {
    // "aaa " 4 + "bbb" 3 = 7 fits a width of 7 (pdfkit counts "bbb " as 4 and would move it down); "ccc" does not.
    expect(texts(layoutLines([{ face: 'regular', text: 'aaa bbb ccc' }], 7, mono))).toEqual(['aaa bbb ', 'ccc']);
    expect(texts(layoutLines([{ face: 'regular', text: 'aaa bbb ccc' }], 8, mono))).toEqual(['aaa bbb ', 'ccc']);
    expect(texts(layoutLines([{ face: 'regular', text: 'aaa bbb ccc' }], 6, mono))).toEqual(['aaa ', 'bbb ', 'ccc']);
    // A word exactly as wide as the line, followed by a space, is not split.
    expect(texts(layoutLines([{ face: 'regular', text: 'abcd efg' }], 4, mono))).toEqual(['abcd ', 'efg']);
    expect(texts(layoutLines([{ face: 'regular', text: 'aaa bbb ccc' }], 11, mono))).toEqual(['aaa bbb ccc']);
    // A no-break space holds a number and its unit together.
    expect(texts(layoutLines([{ face: 'regular', text: 'limit of 12.6\u00a0%.' }], 13, mono))).toEqual(['limit of ', '12.6\u00a0%.']);
  });

  it('does not break where runs meet, and places each run at its measured offset', () => {
    const runs: FaceRun<Face>[] = [{ face: 'regular', text: 'see ' }, { face: 'bold', text: 'this' }, { face: 'regular', text: ', then more' }];
    // "see " 4 + "this, " (8 + 2) = 14 > 12: "this, " moves down whole. Breaking where the runs meet would have
    // put "this" (4 + 8 = 12) on the first line and left the comma behind.
    const lines = layoutLines(runs, 12, mono);
    expect(texts(lines)).toEqual(['see ', 'this, ', 'then more']);
    expect(lines[1].pieces).toEqual([
      { face: 'bold', text: 'this', x: 0, width: 8 },
      { face: 'regular', text: ', ', x: 8, width: 2 },
    ]);
    expect(lines[1].faces).toEqual(['bold', 'regular']);
  });

  it('splits a word wider than the line between characters, and honours line feeds', () => {
    expect(texts(layoutLines([{ face: 'regular', text: 'ab abcdefghij c' }], 4, mono))).toEqual(['ab ', 'abcd', 'efgh', 'ij c']);
    expect(texts(layoutLines([{ face: 'regular', text: 'one\ntwo three' }], 40, mono))).toEqual(['one', 'two three']);
    expect(texts(layoutLines([], 10, mono))).toEqual(['']);
  });

  it('breaks Chinese text between ideographs (UAX #14), never after an opening bracket', () => {
    const lines = texts(layoutLines([{ face: 'regular', text: '您的申请（编号A0002）未获批准。' }], 6, mono));
    expect(lines.join('')).toBe('您的申请（编号A0002）未获批准。');
    for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(6);
    for (const line of lines) expect(line.endsWith('（')).toBe(false);
    expect(lines.length).toBeGreaterThan(2);
  });

  it('lays real text out greedily in the widths pdfkit draws, never on more lines than pdfkit', () => {
    const fonts = parsedFontsFor('en');
    const random = rng(41);
    const words = ['checking', 'account', 'balance', 'under', '200', 'DM;', 'long-term', 'credit', '(48 months)', 'we', 'regret', 'that', 'the', 'application', 'Re-scored:', '10.1 %.', 'a', 'Springfield,', 'XX', '00000'];
    const doc = new PDFDocument({ font: null } as unknown as PDFKit.PDFDocumentOptions);
    // pdfkit measures with its own fontkit fonts, untouched by our caches (it scales shaped runs in place).
    for (const style of ['regular', 'bold'] as const) doc.registerFont(style, fs.readFileSync(fontsFor('en')[style].file));
    for (let trial = 0; trial < 60; trial++) {
      const face: FontStyle = trial % 3 === 0 ? 'bold' : 'regular';
      const size = 8 + (trial % 5);
      const width = random.int(60, 460);
      const text = Array.from({ length: random.int(5, 64) }, () => random.pick(words)).join(' ');
      const measure = (f: FontStyle, t: string) => (advanceWidth(fonts[f], t) / fonts[f].unitsPerEm) * size;
      const lines = layoutLines([{ face, text }], width, measure);
      doc.font(face).fontSize(size);
      const pdfkitLines = Math.round(doc.heightOfString(text, { width, lineGap: 0 }) / doc.currentLineHeight(true));
      expect(lines.length, `${width} pt: ${text}`).toBeLessThanOrEqual(pdfkitLines);
      expect(lineHeight(fonts[face], size)).toBeCloseTo(doc.currentLineHeight(true), 9);
      expect(texts(lines).join('')).toBe(text);
      texts(lines).forEach((drawn, i) => {
        expect(doc.widthOfString(drawn)).toBeCloseTo(lines[i].pieces.reduce((s, p) => s + p.width, 0), 6);
        // Every line fits, and is full: the next line's first word would not have fitted after it.
        expect(doc.widthOfString(drawn.trimEnd())).toBeLessThanOrEqual(width + 1e-9);
        const next = texts(lines)[i + 1];
        if (next !== undefined) expect(doc.widthOfString(drawn + next.split(' ')[0])).toBeGreaterThan(width);
      });
    }
  });
});
