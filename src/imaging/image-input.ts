/**
 * Image file → model input tensor, exactly as the model card says: decode (sharp, with a pixel limit so a
 * decompression bomb is refused before it is expanded), drop alpha, resize to the card's size, scale,
 * normalize per channel, NCHW float32.
 */
import sharp from 'sharp';
import { fail } from '../errors.js';
import { readFileOrFail } from '../io/read.js';
import type { ImagePreprocessing } from '../models/card.js';

/** Refuse images above this many pixels (40 MP): real dermoscopy images are far smaller. */
export const MAX_INPUT_PIXELS = 40_000_000;

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** RGB, 3 bytes per pixel, row-major, at the original size. */
  readonly rgb: Uint8Array;
}

export async function decodeImage(file: string, field = 'image'): Promise<DecodedImage> {
  return decodeImageBytes(readFileOrFail(file, `${field}:`), file, field);
}

/** `bytes` already read from `file` (named in errors), e.g. because the caller also hashes them. */
export async function decodeImageBytes(bytes: Uint8Array, file: string, field = 'image'): Promise<DecodedImage> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) fail(`${field}: ${file} decodes to ${info.channels} channels, expected RGB`);
    return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    const message = (e as Error).message;
    if (/pixel limit/i.test(message)) fail(`${field}: ${file} is larger than ${MAX_INPUT_PIXELS / 1e6} megapixels (refused before decoding)`);
    if (e instanceof Error && e.name === 'UserError') throw e;
    fail(`${field}: ${file} is not a readable image (${message.split('\n')[0]})`);
  }
}

/**
 * How much the luma steps across the boundaries of an 8 × 8 pixel grid exceed those inside it: the blocks JPEG
 * compresses independently leave edges on that grid, whatever file the pixels were stored in afterwards. About 1
 * for images never JPEG-compressed (at most 1.26 on 240 synthetic lesions, demo images and 4× upscaled copies);
 * above 1.4 for 81 of 100 smooth synthetic lesions and both demo images at JPEG quality 30, fewer at higher
 * qualities (36 of 100 at 80): a sign of compression when high, no proof of its absence when low. Measured at
 * the original size: resizing moves the grid.
 */
export function jpegBlockiness(image: DecodedImage): number {
  const { width: w, height: h, rgb } = image;
  const luma = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) luma[i] = 0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2];
  let onGrid = 0, onGridCount = 0, inside = 0, insideCount = 0;
  const step = (a: number, b: number, boundary: boolean) => {
    const d = Math.abs(luma[b] - luma[a]);
    if (boundary) (onGrid += d), onGridCount++;
    else (inside += d), insideCount++;
  };
  for (let y = 0; y < h; y++) for (let x = 0; x + 1 < w; x++) step(y * w + x, y * w + x + 1, x % 8 === 7);
  for (let y = 0; y + 1 < h; y++) for (let x = 0; x < w; x++) step(y * w + x, (y + 1) * w + x, y % 8 === 7);
  // A flat image (or one too small for a grid) shows no blocks.
  return onGridCount === 0 || inside === 0 ? 1 : onGrid / onGridCount / (inside / insideCount);
}

/** TIFF compression (tag 259) values that keep every pixel: none, LZW, Deflate (two codes), PackBits. */
const LOSSLESS_TIFF_COMPRESSION = new Set([1, 5, 8, 32946, 32773]);

/**
 * Whether an image file keeps its pixels exactly, read from its bytes: PNG, WebP with a lossless (VP8L) bitstream,
 * and classic TIFF compressed losslessly. Anything else the decoder accepts counts as lossy (JPEG, lossy WebP,
 * AVIF/HEIF, JPEG or WebP in TIFF, GIF's palette, …): what is not known to be exact is not claimed to be. sharp's
 * metadata does not say which WebP bitstream a file holds, nor every TIFF compression, hence the container parsing.
 * (A lossless file can still hold pixels that were compressed before; the file cannot tell: jpegBlockiness can.)
 */
export function storedLosslessly(bytes: Uint8Array): boolean {
  const ascii = (at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 8 && ascii(1, 3) === 'PNG' && bytes[0] === 0x89) return true;
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    // RIFF chunks: fourcc, little-endian size, data padded to an even length. A still lossless image is one VP8L
    // chunk; a VP8 chunk is lossy, an ANMF one an animation frame.
    for (let at = 12; at + 8 <= bytes.length; ) {
      const fourcc = ascii(at, 4);
      if (fourcc === 'VP8L') return true;
      if (fourcc === 'VP8 ' || fourcc === 'ANMF') return false;
      const size = view.getUint32(at + 4, true);
      at += 8 + size + (size % 2);
    }
    return false;
  }
  const order = bytes.length >= 8 ? ascii(0, 2) : '';
  if ((order === 'II' || order === 'MM') && view.getUint16(2, order === 'II') === 42) {
    const little = order === 'II';
    const ifd = view.getUint32(4, little);
    if (ifd + 2 > bytes.length) return false;
    const entries = view.getUint16(ifd, little);
    for (let k = 0; k < entries && ifd + 2 + 12 * (k + 1) <= bytes.length; k++) {
      const entry = ifd + 2 + 12 * k;
      if (view.getUint16(entry, little) === 259) return LOSSLESS_TIFF_COMPRESSION.has(view.getUint16(entry + 8, little));
    }
    return true; // no compression tag: uncompressed (TIFF 6.0 default)
  }
  return false;
}

/** Resized RGB (for overlays) and the normalized NCHW tensor the model takes. */
export async function imageToTensor(image: DecodedImage, pre: ImagePreprocessing): Promise<{ tensor: Float32Array; dims: number[]; resized: DecodedImage }> {
  const [height, width] = pre.size;
  const resized = await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: pre.resize ?? 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  const plane = width * height;
  const tensor = new Float32Array(3 * plane);
  const order = pre.channel_order === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) {
    const source = order[c];
    for (let i = 0; i < plane; i++) tensor[c * plane + i] = (resized[i * 3 + source] * pre.scale - pre.mean[c]) / pre.std[c];
  }
  return { tensor, dims: [1, 3, height, width], resized: { width, height, rgb: new Uint8Array(resized.buffer, resized.byteOffset, resized.byteLength) } };
}
