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
    readonly positions: GlyphPosition[];
    readonly advanceWidth: number;
  }
  /** A glyph; `_decode` (TrueType outlines) is internal to fontkit, wrapped only by src/report/fonts.ts. */
  export interface Glyph {
    readonly id: number;
    _decode?: () => unknown;
  }
  /** A font subset: the font's glyph ids in the order they were included (their position is the subset's id). */
  export interface Subset {
    /** Appended to by `includeGlyph`, and by `encode` (the components of compound glyphs). */
    readonly glyphs: number[];
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
    layout(text: string, features?: unknown): GlyphRun;
    getGlyph(id: number, codePoints?: number[]): Glyph;
    /** Present on variable fonts, whose outlines depend on the chosen instance. */
    readonly _variationProcessor?: unknown;
  }
  /** `postscriptName` picks a face of a collection (.ttc). */
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
