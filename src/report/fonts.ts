/**
 * The fonts a locale's PDF embeds (font-files.ts), parsed. Fonts are parsed once per process: parsing (and decoding
 * the OpenType layout tables) anew for every document was most of a letter's rendering time.
 */
import fs from 'node:fs';
import * as fontkit from 'fontkit';
import { fontsFor, type FontFace, type FontStyle } from './font-files.js';

export type ParsedFontSet = Readonly<Record<FontStyle, fontkit.Font>>;

const parsed = new Map<string, ParsedFontSet>();

/** The locale's fonts, parsed (cached for the process). */
export function parsedFontsFor(locale: string): ParsedFontSet {
  let set = parsed.get(locale);
  if (!set) {
    const faces = fontsFor(locale);
    const open = (f: FontFace) => withFixedMetrics(withGlyphOutlineCache(withShapingCache(fontkit.create(fs.readFileSync(f.file), f.face))));
    parsed.set(locale, (set = { regular: open(faces.regular), bold: open(faces.bold), italic: open(faces.italic) }));
  }
  return set;
}

/** fontkit's metric getters look their table up on every read; a static font's metrics are read once. */
function withFixedMetrics(font: fontkit.Font): fontkit.Font {
  for (const metric of ['unitsPerEm', 'ascent', 'descent', 'lineGap'] as const) Object.defineProperty(font, metric, { value: font[metric] });
  return font;
}

const SHAPING_CACHE_LIMIT = 100_000;

/**
 * Shaping a word (OpenType substitution and positioning) is costly and the same words recur in every document,
 * so each word's run is shaped once per font for the process. The run is shared: callers read it, never change it
 * (pdfkit would scale its positions in place, which is one reason it is not given these fonts).
 */
function withShapingCache(font: fontkit.Font): fontkit.Font {
  const layout = font.layout.bind(font);
  // Runs shaped with default features, keyed by text; with named features, by features and text.
  const plain = new Map<string, fontkit.GlyphRun>();
  const featured = new Map<string, fontkit.GlyphRun>();
  font.layout = (text, features) => {
    const [cache, key] = features === undefined ? [plain, text] : [featured, `${JSON.stringify(features)}\u0000${text}`];
    let run = cache.get(key);
    if (!run) {
      if (cache.size >= SHAPING_CACHE_LIMIT) cache.clear();
      cache.set(key, (run = layout(text, features)));
    }
    return run;
  };
  return font;
}

/**
 * A subset is encoded for every new list of glyphs (pdf-text.ts), and fontkit's subsetter decodes each embedded
 * TrueType glyph's outline anew (only to find a compound glyph's components). A glyph's outline is fixed for a
 * static font, so it is decoded once per process; the decoded outline is only read by fontkit. Variable fonts
 * (outlines depend on the instance) are left alone.
 */
function withGlyphOutlineCache(font: fontkit.Font): fontkit.Font {
  if (font._variationProcessor) return font;
  const getGlyph = font.getGlyph.bind(font);
  const wrapped = new WeakSet<fontkit.Glyph>();
  font.getGlyph = (id, codePoints) => {
    const glyph = getGlyph(id, codePoints);
    const decode = glyph._decode?.bind(glyph);
    if (decode && !wrapped.has(glyph)) {
      wrapped.add(glyph);
      let outline: { value: unknown } | null = null;
      glyph._decode = () => (outline ??= { value: decode() }).value;
    }
    return glyph;
  };
  return font;
}

const WIDTH_CACHE_LIMIT = 100_000;
const widths = new WeakMap<fontkit.Font, Map<string, number>>();

/**
 * Width of a text in font units, measured as pdfkit measures it (shaped a word at a time, each with its trailing
 * space or tab), which is also how pdf-text.ts shapes what it draws. Cached per font for the process.
 */
export function advanceWidth(font: fontkit.Font, text: string): number {
  let cache = widths.get(font);
  if (!cache) widths.set(font, (cache = new Map()));
  let width = cache.get(text);
  if (width === undefined) {
    if (cache.size >= WIDTH_CACHE_LIMIT) cache.clear();
    width = 0;
    for (const word of shapingWords(text)) width += font.layout(word).advanceWidth;
    cache.set(text, width);
  }
  return width;
}

/** The words a text is shaped in, as pdfkit shapes it: each with its trailing space or tab. */
export function shapingWords(text: string): string[] {
  return (text.match(/[^ \t]*[ \t]?/g) ?? []).filter((w) => w.length > 0);
}

/** Distance between baselines at a size, line gap included: pdfkit's `currentLineHeight(true)`. */
export function lineHeight(font: fontkit.Font, size: number): number {
  return ((font.ascent + font.lineGap - font.descent) / font.unitsPerEm) * size;
}
