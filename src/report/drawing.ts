/**
 * A vector picture a domain can hand a report instead of pixels: rectangles, lines and text in a coordinate box.
 * Both renderers draw it natively (inline SVG in HTML, paths and text in the PDF), so a chart stays sharp when
 * printed, its numbers are text a reader can search and copy, and nothing has to be rasterized per case.
 */

export interface Drawing {
  readonly kind: 'drawing';
  /** The coordinate box, y downwards; renderers scale it to the figure's width. */
  readonly width: number;
  readonly height: number;
  readonly items: readonly DrawingItem[];
}

export type DrawingItem =
  | { readonly shape: 'rect'; readonly x: number; readonly y: number; readonly width: number; readonly height: number; readonly fill: string }
  | { readonly shape: 'line'; readonly x1: number; readonly y1: number; readonly x2: number; readonly y2: number; readonly stroke: string; readonly strokeWidth: number }
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
      readonly fill: string;
    };

/** Pixels (PNG bytes) or a drawing. */
export type Asset = Uint8Array | Drawing;

/** By its tag, not by `instanceof Uint8Array`, which fails for bytes made in another realm. */
export function isDrawing(asset: Asset): asset is Drawing {
  return (asset as Partial<Drawing>).kind === 'drawing';
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (n: number) => String(Math.round(n * 100) / 100);

/** The drawing as an SVG element; its text takes the page's font. `label` is what a screen reader announces. */
export function drawingSvg(drawing: Drawing, label: string): string {
  const items = drawing.items.map((item) => {
    switch (item.shape) {
      case 'rect':
        return `<rect x="${num(item.x)}" y="${num(item.y)}" width="${num(item.width)}" height="${num(item.height)}" fill="${item.fill}"/>`;
      case 'line':
        return `<line x1="${num(item.x1)}" y1="${num(item.y1)}" x2="${num(item.x2)}" y2="${num(item.y2)}" stroke="${item.stroke}" stroke-width="${num(item.strokeWidth)}"/>`;
      case 'text':
        return `<text x="${num(item.x)}" y="${num(item.y)}" font-size="${num(item.size)}"${item.bold ? ' font-weight="bold"' : ''} text-anchor="${item.anchor}" fill="${item.fill}">${escapeXml(item.text)}</text>`;
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${num(drawing.width)} ${num(drawing.height)}" role="img" aria-label="${escapeXml(label)}"><title>${escapeXml(label)}</title>${items.join('')}</svg>`;
}
