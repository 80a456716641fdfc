/** The document model: what templates may render, how text is decoded, and both renderers on one document. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { parseReportDocument, plainText } from '../../src/report/document.js';
import { parsedFontsFor } from '../../src/report/fonts.js';
import { renderHtml } from '../../src/report/html.js';
import { renderPdf } from '../../src/report/pdf.js';
import type { Drawing } from '../../src/report/assets.js';

const markup = `<article lang="en" title="T &amp; Co">
  <section>
    <h1>Title <em>one</em></h1>
    <p class="small">A &lt;b&gt; tag as text, &quot;quoted&quot;, and&#x3D;more<br>second   line</p>
    <aside class="critical"><strong>Caution.</strong> Something.</aside>
    <ul><li>first</li><li>second</li></ul>
    <table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td><strong>1</strong></td></tr></table>
    <div class="figures"><figure><img src="asset:px" alt="a pixel"><figcaption>Caption</figcaption></figure></div>
  </section>
  <footer>foot</footer>
</article>`;

describe('report document model', () => {
  const doc = parseReportDocument(markup, 'test');

  it('parses blocks, decodes entities once and collapses whitespace', () => {
    expect(doc.lang).toBe('en');
    expect(doc.title).toBe('T & Co');
    expect(doc.footer).toBe('foot');
    expect(doc.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'banner', 'list', 'table', 'figures']);
    const p = doc.blocks[1];
    expect(p.kind === 'paragraph' && plainText(p.content)).toBe('A <b> tag as text, "quoted", and=more\nsecond line');
    // Only ASCII whitespace collapses, as in HTML: a no-break space stays.
    const nbsp = parseReportDocument('<article lang="en" title="t"><p>12.6\u00a0%  \t of\n it</p></article>', 'test').blocks[0];
    expect(nbsp.kind === 'paragraph' && plainText(nbsp.content)).toBe('12.6\u00a0% of it');
    expect(p.kind === 'paragraph' && p.small).toBe(true);
    const h = doc.blocks[0];
    expect(h.kind === 'heading' && h.content).toEqual([{ text: 'Title ' }, { text: 'one', italic: true }]);
    const t = doc.blocks[4];
    expect(t.kind === 'table' && t.header?.map(plainText)).toEqual(['k', 'v']);
    expect(t.kind === 'table' && t.rows[0][1]).toEqual([{ text: '1', bold: true }]);
  });

  it('refuses what one renderer could not draw, naming the element', () => {
    expect(() => parseReportDocument('<article lang="en" title="t"><script>x</script></article>', 's')).toThrow(/<script> is not part of the report document model/);
    expect(() => parseReportDocument('<article lang="en" title="t"><p>a <a href="x">link</a></p></article>', 's')).toThrow(/<a> inside <p> is not inline/);
    expect(() => parseReportDocument('<article lang="en" title="t"><div class="figures"><figure><img src="http://x/y.png" alt="a"></figure></div></article>', 's')).toThrow(/must name an asset/);
    expect(() => parseReportDocument('<article lang="en"><p>x</p></article>', 's')).toThrow(/needs a title/);
    expect(() => parseReportDocument('<p>x</p><p>y</p>', 's')).toThrow(/exactly one <article>/);
    expect(() => parseReportDocument('<article lang="en" title="t"><table><tr><td>1</td></tr><tr><td>1</td><td>2</td></tr></table></article>', 's')).toThrow(/every table row needs 1 cells/);
  });

  it('renders the same document to self-contained HTML (text re-escaped) and to a PDF with embedded fonts', async () => {
    const px = await sharp(Buffer.from([200, 30, 30]), { raw: { width: 1, height: 1, channels: 3 } }).png().toBuffer();
    const html = renderHtml(doc, { px });
    expect(html).toContain('A &lt;b&gt; tag as text, &quot;quoted&quot;, and=more<br>second line');
    expect(html).toContain('<aside class="banner critical" role="alert"><strong>Caution.</strong> Something.</aside>');
    expect(html).toContain(`src="data:image/png;base64,${px.toString('base64')}"`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const date = new Date('2026-01-02T03:04:05Z');
    const pdf = await renderPdf(doc, { px }, { fonts: parsedFontsFor("en"), date, pageLabel: 'p {page}/{pages}' });
    const again = await renderPdf(doc, { px }, { fonts: parsedFontsFor("en"), date, pageLabel: 'p {page}/{pages}' });
    expect(Buffer.compare(pdf, again)).toBe(0);
    const dir = tempDir('doc-');
    const file = path.join(dir, 'd.pdf');
    fs.writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const s of ['Title one', 'A <b> tag as text, "quoted", and=more', 'second line', 'Caution. Something.', 'first', 'Caption', 'foot', 'p 1/1']) expect(text).toContain(s);
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line).toMatch(/\s+yes\s+yes\s+yes\s+\d+\s+\d+$/);
    expect(execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').length - 2).toBe(1);
  });

  it('writes PDF/A-3b: its identification in the XMP metadata, an sRGB output intent, the record as an associated file', async () => {
    const record = Buffer.from('{"record_id":"r1","decision":"refused"}');
    const letter = parseReportDocument('<article lang="en" title="t"><p>Dear applicant</p><footer>f</footer></article>', 'test');
    const pdf = await renderPdf(letter, {}, {
      fonts: parsedFontsFor('en'),
      date: new Date('2026-01-02T03:04:05Z'),
      pageLabel: 'p {page}/{pages}',
      attachments: [{ name: 'record.json', mime: 'application/json', description: 'the decision record', data: record }],
    });
    expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
    const raw = pdf.toString('latin1');
    // pdfkit writes no object streams: every object's dictionary is plain text.
    const object = (id: string) => new RegExp(`\\n${id} 0 obj\\n(<<[\\s\\S]*?>>)\\n(?:stream\\n)?`).exec(raw);
    const streamOf = (id: string) => {
      const at = raw.indexOf('stream\n', raw.indexOf(`\n${id} 0 obj\n`)) + 7;
      return pdf.subarray(at, raw.indexOf('\nendstream', at));
    };
    expect(raw).toMatch(/<pdfaid:part>3<\/pdfaid:part>\s*<pdfaid:conformance>B<\/pdfaid:conformance>/);
    const intent = /\/Type \/OutputIntent\s+\/S \/GTS_PDFA1[\s\S]*?\/DestOutputProfile (\d+) 0 R/.exec(raw);
    expect(intent, 'an OutputIntent').not.toBeNull();
    expect(object(intent![1])![1]).toMatch(/\/N 3\b/);
    const profile = zlib.inflateSync(streamOf(intent![1]));
    expect(profile.toString('latin1', 36, 40)).toBe('acsp'); // an ICC profile
    expect(profile.toString('latin1', 16, 20)).toBe('RGB ');
    // The sRGB profile pdfkit ships, whole (the document writes it compressed once per process).
    const shipped = path.join(path.dirname(createRequire(import.meta.url).resolve('pdfkit')), 'data', 'sRGB_IEC61966_2_1.icc');
    expect(profile.equals(fs.readFileSync(shipped))).toBe(true);
    expect(raw.match(/\/Type \/OutputIntent/g)).toHaveLength(1);
    const spec = /\/Type \/Filespec[\s\S]*?>>/.exec(raw)![0];
    expect(spec).toMatch(/\/AFRelationship \/Data/);
    expect(raw).toMatch(/\/AF \[\d+ 0 R\]/);
    // The embedded file stream: its MIME type as one name, its size and MD5 checksum (PDF 32000-1, table 46).
    const embedded = /\/Type \/EmbeddedFile[\s\S]*?>>\s*>>/.exec(raw)![0];
    expect(embedded).toMatch(/\/Subtype \/application#2Fjson\b/);
    expect(embedded).toMatch(new RegExp(`/Size ${record.byteLength}\\b`));
    expect(embedded).toContain(`/CheckSum (${createHash('md5').update(record).digest('hex')})`);
    expect(embedded).toContain('/CreationDate (D:20260102030405Z)');
    expect(raw).toMatch(/\/EmbeddedFiles <<\s*\/Names \[\s*\(record\.json\) \d+ 0 R/);
    const dir = tempDir('doc-');
    fs.writeFileSync(path.join(dir, 'a.pdf'), pdf);
    execFileSync('pdfdetach', ['-saveall', '-o', dir, path.join(dir, 'a.pdf')]);
    expect(fs.readFileSync(path.join(dir, 'record.json')).equals(record)).toBe(true);
  });

  it('a paragraph longer than a page goes on over the next page, every line inside the margins', async () => {
    const sentences = Array.from({ length: 400 }, (_, i) => `Sentence ${i + 1} of a long paragraph.`);
    const long = parseReportDocument(`<article lang="en" title="t"><p>${sentences.join(' ')}</p><footer>f</footer></article>`, 'test');
    const pdf = await renderPdf(long, {}, { fonts: parsedFontsFor('en'), date: new Date('2026-01-02T03:04:05Z'), pageLabel: 'p {page}/{pages}' });
    const dir = tempDir('doc-');
    const file = path.join(dir, 'long.pdf');
    fs.writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    for (const s of [sentences[0], sentences[199], sentences[399]]) expect(text).toContain(s);
    const pages = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' }).split('<page ').slice(1);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const page of pages) {
      const height = Number(/height="([\d.]+)"/.exec(page)![1]);
      const words = [...page.matchAll(/<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<\/word>/g)];
      const body = words.filter((w) => !/^(f|p|\d+\/\d+)$/.test(w[3]));
      expect(body.length).toBeGreaterThan(0);
      // Top margin 48 pt, bottom margin 48 + 14 pt (the footer's room).
      for (const w of body) {
        expect(Number(w[1])).toBeGreaterThanOrEqual(48 - 1);
        expect(Number(w[2])).toBeLessThanOrEqual(height - 62 + 1);
      }
    }
  });

  it('keeps a long footer to two lines, the cut marked with an ellipsis, and the page label beside it', async () => {
    const words = Array.from({ length: 80 }, (_, i) => `w${i + 1}`);
    const long = parseReportDocument(`<article lang="en" title="t"><p>body</p><footer>${words.join(' ')}</footer></article>`, 'test');
    const pdf = await renderPdf(long, {}, { fonts: parsedFontsFor('en'), date: new Date('2026-01-02T03:04:05Z'), pageLabel: 'p {page}/{pages}' });
    const file = path.join(tempDir('doc-'), 'footer.pdf');
    fs.writeFileSync(file, pdf);
    const boxes = [...execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' }).matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), right: Number(m[3]), text: m[4] }));
    const footer = boxes.filter((b) => /^w\d+…?$/.test(b.text));
    expect(new Set(footer.map((b) => b.y)).size).toBe(2);
    expect(footer[0].text).toBe('w1');
    expect(footer.at(-1)!.text).toMatch(/…$/);
    expect(footer.length).toBeGreaterThan(20);
    expect(footer.length).toBeLessThan(words.length);
    // Every word kept is the footer's next word: nothing skipped before the cut.
    footer.forEach((b, i) => expect(b.text.replace('…', '')).toBe(words[i].slice(0, b.text.replace('…', '').length)));
    const label = boxes.find((b) => b.text === 'p')!;
    // Right-aligned at the right margin (A4 width less 48 pt), clear of the footer's text.
    expect(boxes.find((b) => b.text === '1/1')!.right).toBeCloseTo(595.28 - 48, 0);
    for (const b of footer) expect(b.right).toBeLessThan(label.x);
  });

  it('draws a drawing asset as vectors: inline SVG in HTML, paths and text in the PDF, scaled to the figure', async () => {
    const drawing: Drawing = {
      kind: 'drawing',
      width: 200,
      height: 50,
      items: [
        { shape: 'rect', x: 100, y: 10, width: 60, height: 30, fill: '#b2182b' },
        { shape: 'line', x1: 100, y1: 0, x2: 100, y2: 50, stroke: '#333333', strokeWidth: 2 },
        { shape: 'text', x: 95, y: 32, text: 'A<1 & +0.5', size: 12, anchor: 'end', fill: '#222222' },
      ],
    };
    const html = renderHtml(doc, { px: drawing });
    expect(html).toContain('<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 50" role="img" aria-label="a pixel"><title>a pixel</title><rect x="100" y="10" width="60" height="30" fill="#b2182b"/><line x1="100" y1="0" x2="100" y2="50" stroke="#333333" stroke-width="2"/><text x="95" y="32" font-size="12" text-anchor="end" fill="#222222">A&lt;1 &amp; +0.5</text></svg><figcaption>Caption</figcaption></figure>');
    const pdf = await renderPdf(doc, { px: drawing }, { fonts: parsedFontsFor('en'), date: new Date('2026-01-02T03:04:05Z'), pageLabel: 'p {page}/{pages}' });
    const dir = tempDir('doc-');
    const file = path.join(dir, 'd.pdf');
    fs.writeFileSync(file, pdf);
    expect(execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').length - 2).toBe(0);
    // The figure slot is the page's content width (A4 less two 48 pt margins): the drawing scales by 499.28 / 200.
    const scale = (595.28 - 2 * 48) / 200;
    const words = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
    const box = /<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">\+0\.5<\/word>/.exec(words);
    expect(box, words).not.toBeNull();
    // Anchored at its end: the text ends at x = 95 drawing units from the figure's left edge.
    expect(Number(box![2])).toBeCloseTo(48 + 95 * scale, 0);
    // The bar is drawn in its colour where the drawing puts it (rendered at 72 dpi: one pixel per point).
    const png = execFileSync('pdftoppm', ['-r', '72', '-png', '-singlefile', file]);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3));
    const barX = Math.round(48 + 130 * scale);
    const column = Array.from({ length: info.height }, (_, y) => pixel(barX, y));
    const red = column.filter(([r, g, b]) => r > 150 && g < 60 && b < 70).length;
    expect(red).toBeGreaterThan(30 * scale - 3);
    expect(red).toBeLessThan(30 * scale + 3);
  });
});
