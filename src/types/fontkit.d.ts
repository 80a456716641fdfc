/** The fontkit calls the PDF renderer makes or wraps (fontkit ships no type declarations). */
declare module 'fontkit' {
  /** A parsed font; pdfkit accepts it in place of a file (anything with a `layout` method). */
  export interface GlyphPosition {
    xAdvance: number;
    yAdvance: number;
    xOffset: number;
    yOffset: number;
  }
  export interface GlyphRun {
    readonly glyphs: readonly Glyph[];
    readonly positions: readonly Readonly<GlyphPosition>[];
    readonly advanceWidth: number;
  }
  /** A glyph; `_decode` (TrueType outlines) is internal to fontkit, wrapped only by src/report/fonts.ts. */
  export interface Glyph {
    readonly id: number;
    /** Horizontal advance from the hmtx table, in font units. */
    readonly advanceWidth: number;
    /** The characters this glyph was first reached from (a ligature has several). */
    readonly codePoints: readonly number[];
    _decode?: () => unknown;
  }
  /** A font subset: the font's glyph ids in the order they were included (their position is the subset's id). */
  export interface Subset {
    /** Appended to by `includeGlyph`, and by `encode` (the components of compound glyphs). */
    readonly glyphs: number[];
    /** Present on subsets of CFF (OpenType PostScript) fonts. */
    readonly cff?: unknown;
    /** Adds a glyph of the font (if new) and returns its id in the subset. */
    includeGlyph(id: number): number;
    encode(): Uint8Array;
  }
  export interface Font {
    createSubset(): Subset;
    readonly unitsPerEm: number;
    /** hhea metrics, in font units (descent negative). */
    readonly ascent: number;
    readonly descent: number;
    readonly lineGap: number;
    readonly postscriptName: string;
    readonly italicAngle: number;
    readonly capHeight: number;
    readonly xHeight: number;
    readonly bbox: { readonly minX: number; readonly minY: number; readonly maxX: number; readonly maxY: number };
    readonly 'OS/2'?: { readonly sFamilyClass?: number };
    readonly post: { readonly isFixedPitch: number };
    readonly head: { readonly macStyle: { readonly italic: boolean } };
    layout(text: string, features?: unknown): GlyphRun;
    getGlyph(id: number, codePoints?: number[]): Glyph;
    /** The glyph the character map (cmap) gives a code point (.notdef, id 0, if none). */
    glyphForCodePoint(codePoint: number): Glyph;
    /** Present on variable fonts, whose outlines depend on the chosen instance. */
    readonly _variationProcessor?: unknown;
  }
  /** `postscriptName` picks a face of a collection (.ttc). */
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
