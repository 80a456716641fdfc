/**
 * What a domain hands a report besides words: the figures its template names, as PNG bytes or as vector drawings
 * (rectangles, lines and text in a coordinate box). Both renderers draw a drawing natively (inline SVG in HTML,
 * paths and text in the PDF), so a chart stays sharp when printed, its numbers are text a reader can search and
 * copy, and nothing has to be rasterized per case.
 */

export interface Drawing {
  readonly kind: 'drawing';
  /** The coordinate box, y downwards; renderers scale it to the figure's width. */
  readonly width: number;
  readonly height: number;
  readonly items: readonly DrawingItem[];
}

/** A colour as `#rrggbb`: what both renderers take (SVG attributes, PDF fill and stroke operators). */
export type HexColour = `#${string}`;

export type DrawingItem =
  | { readonly shape: 'rect'; readonly x: number; readonly y: number; readonly width: number; readonly height: number; readonly fill: HexColour }
  | { readonly shape: 'line'; readonly x1: number; readonly y1: number; readonly x2: number; readonly y2: number; readonly stroke: HexColour; readonly strokeWidth: number }
  | {
      readonly shape: 'text';
      readonly x: number;
      /** Baseline. */
      readonly y: number;
      readonly text: string;
      readonly size: number;
      /** Which end of the text is at x. */
      readonly anchor: 'start' | 'end';
      readonly bold?: boolean;
      readonly fill: HexColour;
    };

/** Pixels (PNG bytes) or a drawing. */
export type Asset = Uint8Array | Drawing;

/** A document's figures by the names its template gives them (`<img src="asset:NAME">`). */
export type Assets = Readonly<Record<string, Asset>>;

export function assetOf(assets: Assets, name: string): Asset {
  const asset = assets[name];
  if (!asset) throw new Error(`the report names an image asset "${name}" the domain did not supply`);
  return asset;
}

/** By its tag, not by `instanceof Uint8Array`, which fails for bytes made in another realm. */
export function isDrawing(asset: Asset): asset is Drawing {
  return (asset as Partial<Drawing>).kind === 'drawing';
}
