/**
 * Report figures: an RGB image resized for analysis or display, relevance upsampled to it, the relevance overlay
 * (diverging colours over a grey copy of the image, opacity by magnitude), the mask contour, and the legend bar.
 * Maps are upsampled here in float (bilinear), not by sharp: sharp reads single-channel float as 16-bit grey.
 */
import sharp from 'sharp';
import type { Mask } from './mask.js';
import { divergingColor } from './colormap.js';
import type { DecodedImage } from './image-input.js';

/** Resize so the long side is `longSide` (aspect kept); never enlarges. */
export async function resizeLongSide(image: DecodedImage, longSide: number): Promise<DecodedImage> {
  const scale = Math.min(1, longSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  if (width === image.width && height === image.height) return image;
  const rgb = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(width, height, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
  return { width, height, rgb: new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength) };
}

/** Bilinear resampling of a [h, w] map to [height, width] with pixel centres aligned (the "fill" mapping). */
export function resampleBilinear(map: Float32Array, w: number, h: number, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  const sx = w / width, sy = h / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(h - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(h - 1, y0 + 1), ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(w - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(w - 1, x0 + 1), tx = fx - x0;
      const top = map[y0 * w + x0] * (1 - tx) + map[y0 * w + x1] * tx;
      const bottom = map[y1 * w + x0] * (1 - tx) + map[y1 * w + x1] * tx;
      out[y * width + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/**
 * Resample a map that sums to something (relevance) so its total is kept: bilinear, then rescaled by the area
 * ratio. Shares computed on the result are those of the model-resolution map, spread over image pixels.
 */
export function resampleRelevance(map: Float32Array, w: number, h: number, width: number, height: number): Float32Array {
  const out = resampleBilinear(map, w, h, width, height);
  const ratio = (w * h) / (width * height);
  for (let i = 0; i < out.length; i++) out[i] *= ratio;
  return out;
}

export function encodePng(rgb: Uint8Array, width: number, height: number): Promise<Buffer> {
  // Fixed zlib settings: the same pixels always give the same bytes (reports are reproducible to the byte).
  return sharp(rgb, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 6, adaptiveFiltering: false, palette: false }).toBuffer();
}

/** Relevance over a grey copy of the image: colour by sign, opacity growing with |R| / scale. */
export function overlayPixels(image: DecodedImage, map: Float32Array, scale: number): Uint8Array {
  const out = new Uint8Array(image.width * image.height * 3);
  for (let i = 0; i < map.length; i++) {
    const grey = 0.299 * image.rgb[i * 3] + 0.587 * image.rgb[i * 3 + 1] + 0.114 * image.rgb[i * 3 + 2];
    const base = 0.35 * grey + 0.65 * 235;
    const colour = divergingColor(map[i], scale);
    const alpha = scale > 0 ? Math.min(1, Math.abs(map[i]) / scale) ** 0.6 : 0;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(base * (1 - alpha) + colour[c] * alpha);
  }
  return out;
}

/** The image with the mask's outline drawn in `colour` (`thickness` pixels, inside the mask). */
export function contourPixels(image: DecodedImage, mask: Mask, colour: readonly [number, number, number], thickness: number): Uint8Array {
  const { width, height } = image;
  const out = Uint8Array.from(image.rgb);
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && mask.data[y * width + x] === 1;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    if (!inside(x, y)) continue;
    let edge = false;
    for (let d = 1; d <= thickness && !edge; d++) edge = !inside(x - d, y) || !inside(x + d, y) || !inside(x, y - d) || !inside(x, y + d);
    if (edge) out.set(colour, (y * width + x) * 3);
  }
  return out;
}

/** Nearest-neighbour resampling of a mask (for drawing a contour at display resolution). */
export function resampleMask(mask: Mask, width: number, height: number): Mask {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / height));
    for (let x = 0; x < width; x++) data[y * width + x] = mask.data[sy * mask.width + Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / width))];
  }
  return { width, height, data };
}

/**
 * The colour scale of an overlay: a high percentile of |R| rather than the maximum, because relevance is
 * peaky and a few pixels would otherwise make everything else invisible; larger values saturate.
 */
export function robustScale(map: Float32Array, percentile: number): number {
  const magnitudes = Float32Array.from(map, Math.abs).sort();
  return magnitudes[Math.min(magnitudes.length - 1, Math.floor(percentile * magnitudes.length))] || 0;
}

/** The legend bar: −scale (left) … 0 … +scale (right); its words are in the template. */
export function legendPixels(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let x = 0; x < width; x++) {
    const colour = divergingColor((2 * x) / (width - 1) - 1, 1);
    for (let y = 0; y < height; y++) out.set(colour, (y * width + x) * 3);
  }
  return out;
}
