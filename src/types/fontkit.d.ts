/** The one fontkit call the PDF renderer makes (fontkit ships no type declarations). */
declare module 'fontkit' {
  /** A parsed font; pdfkit accepts it in place of a file (anything with a `layout` method). */
  export interface GlyphPosition {
    xAdvance: number;
    yAdvance: number;
    xOffset: number;
    yOffset: number;
  }
  export interface GlyphRun {
    readonly glyphs: readonly unknown[];
    readonly positions: GlyphPosition[];
    readonly advanceWidth: number;
  }
  export interface Font {
    layout(text: string, features?: unknown): GlyphRun;
  }
  /** `postscriptName` picks a face of a collection (.ttc). */
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
