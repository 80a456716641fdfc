/**
 * The fonts a locale's PDF embeds (templates/fonts.yaml); a missing font names the Debian package to install.
 * Fonts are parsed once per process: parsing (and decoding the OpenType layout tables) anew for every document
 * was most of a letter's rendering time.
 */
import fs from 'node:fs';
import * as fontkit from 'fontkit';
import { fail } from '../errors.js';
import { readYamlFile } from '../io/yaml.js';
import { packagePath } from '../paths.js';

export interface FontFace {
  readonly file: string;
  /** PostScript name of the face inside a .ttc collection. */
  readonly face?: string;
}

export type FontStyle = 'regular' | 'bold' | 'italic';
export type FontSet = Readonly<Record<FontStyle, FontFace>>;
export type ParsedFontSet = Readonly<Record<FontStyle, fontkit.Font>>;

interface FontConfig {
  readonly default: FontSet & { readonly package: string };
  readonly locales: Readonly<Record<string, FontSet & { readonly package: string }>>;
}

const parsed = new Map<string, ParsedFontSet>();

/** The locale's fonts, parsed (cached for the process). */
export function parsedFontsFor(locale: string): ParsedFontSet {
  let set = parsed.get(locale);
  if (!set) {
    const faces = fontsFor(locale);
    const open = (f: FontFace) => withEncodedSubsetCache(withGlyphOutlineCache(withShapingCache(fontkit.create(fs.readFileSync(f.file), f.face))));
    parsed.set(locale, (set = { regular: open(faces.regular), bold: open(faces.bold), italic: open(faces.italic) }));
  }
  return set;
}

const SHAPING_CACHE_LIMIT = 100_000;

/**
 * Shaping a word (OpenType substitution and positioning) is the largest cost of a PDF, and the same words recur
 * in every letter; pdfkit caches them per document only. This caches them per font for the process. pdfkit
 * scales the positions of a run in place, so each call gets fresh copies of the cached positions.
 */
function withShapingCache(font: fontkit.Font): fontkit.Font {
  const layout = font.layout.bind(font);
  const cache = new Map<string, fontkit.GlyphRun>();
  font.layout = (text, features) => {
    const key = `${JSON.stringify(features ?? null)}\u0000${text}`;
    let run = cache.get(key);
    if (!run) {
      if (cache.size >= SHAPING_CACHE_LIMIT) cache.clear();
      cache.set(key, (run = layout(text, features)));
    }
    const positions = run.positions.map((p) => ({ xAdvance: p.xAdvance, yAdvance: p.yAdvance, xOffset: p.xOffset, yOffset: p.yOffset }));
    return {
      glyphs: run.glyphs,
      positions,
      get advanceWidth() {
        return positions.reduce((sum, p) => sum + p.xAdvance, 0);
      },
    };
  };
  return font;
}

/**
 * pdfkit subsets the font for every PDF, and fontkit's subsetter decodes each embedded TrueType glyph's outline
 * anew (only to find a compound glyph's components): with shaping cached, that was the largest cost left in a
 * letter. A glyph's outline is fixed for a static font, so it is decoded once per process; the decoded outline
 * is only read by fontkit. Variable fonts (outlines depend on the instance) are left alone.
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

/** Bytes of encoded subsets kept per face (a CJK subset is 100 KB or more, a Latin one a few KB). */
const ENCODED_SUBSET_BYTES = 8 * 1024 * 1024;

/**
 * Encoding a subset (fontkit serialises the glyf, loca, hmtx, cvt and fpgm tables field by field) costs 1–3 ms
 * per face and document, and many documents hold the same glyphs in the same order (a letter's headings and
 * bold terms are the same in every letter). Such subsets encode to the same bytes, so they are encoded once per
 * process. The key is taken before encoding, which appends the components of compound glyphs; pdfkit only reads
 * the bytes.
 */
function withEncodedSubsetCache(font: fontkit.Font): fontkit.Font {
  const createSubset = font.createSubset.bind(font);
  const encoded = new Map<string, Uint8Array>();
  let kept = 0;
  font.createSubset = () => {
    const subset = createSubset();
    const encode = subset.encode.bind(subset);
    subset.encode = () => {
      const key = subset.glyphs.join(',');
      let bytes = encoded.get(key);
      if (!bytes) {
        bytes = encode();
        if (kept + bytes.byteLength > ENCODED_SUBSET_BYTES) {
          encoded.clear();
          kept = 0;
        }
        encoded.set(key, bytes);
        kept += bytes.byteLength;
      }
      return bytes;
    };
    return subset;
  };
  return font;
}

const WIDTH_CACHE_LIMIT = 100_000;
const widths = new WeakMap<fontkit.Font, Map<string, number>>();

/**
 * Width of a text in font units, measured as pdfkit measures it (shaped a word at a time, each with its trailing
 * space or tab), so lines laid out here are the width pdfkit draws them. Cached per font for the process.
 */
export function advanceWidth(font: fontkit.Font, text: string): number {
  let cache = widths.get(font);
  if (!cache) widths.set(font, (cache = new Map()));
  let width = cache.get(text);
  if (width === undefined) {
    if (cache.size >= WIDTH_CACHE_LIMIT) cache.clear();
    width = 0;
    for (const word of text.match(/[^ \t]*[ \t]?/g) ?? []) if (word) width += font.layout(word).advanceWidth;
    cache.set(text, width);
  }
  return width;
}

/** Distance between baselines at a size, line gap included: pdfkit's `currentLineHeight(true)`. */
export function lineHeight(font: fontkit.Font, size: number): number {
  return ((font.ascent + font.lineGap - font.descent) / font.unitsPerEm) * size;
}

export function fontsFor(locale: string): FontSet {
  const config = readYamlFile(packagePath('templates', 'fonts.yaml'), 'font config') as FontConfig;
  const chosen = config.locales[locale] ?? config.default;
  for (const style of ['regular', 'bold', 'italic'] as const) {
    const font = chosen[style];
    if (!font || typeof font.file !== 'string') fail(`templates/fonts.yaml: no ${style} font for locale ${locale}`);
    if (!fs.existsSync(font.file)) fail(`font ${font.file} for locale ${locale} is missing: install the Debian package ${chosen.package}`);
  }
  return { regular: chosen.regular, bold: chosen.bold, italic: chosen.italic };
}
