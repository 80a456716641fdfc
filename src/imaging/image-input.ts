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
 * The lossy encoding an image file was stored with, read from its bytes: JPEG; WebP with a lossy (VP8) bitstream;
 * TIFF whose compression tag (259) is JPEG (6 or 7). null: lossless as far as the file says (PNG, lossless WebP,
 * other TIFF), which cannot tell whether the pixels were compressed before. sharp's metadata does not say which
 * WebP bitstream a file holds, hence the few lines of container parsing.
 */
export function lossyEncoding(bytes: Uint8Array): 'jpeg' | 'webp' | 'tiff-jpeg' | null {
  const ascii = (at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    // RIFF chunks: fourcc, little-endian size, data padded to an even length. The image is a VP8 (lossy) or VP8L chunk.
    for (let at = 12; at + 8 <= bytes.length; at += 8 + view.getUint32(at + 4, true) + (view.getUint32(at + 4, true) % 2)) {
      const fourcc = ascii(at, 4);
      if (fourcc === 'VP8 ') return 'webp';
      if (fourcc === 'VP8L') return null;
    }
    return null;
  }
  const order = bytes.length >= 8 ? ascii(0, 2) : '';
  if ((order === 'II' || order === 'MM') && view.getUint16(2, order === 'II') === 42) {
    const little = order === 'II';
    const ifd = view.getUint32(4, little);
    if (ifd + 2 > bytes.length) return null;
    const entries = view.getUint16(ifd, little);
    for (let k = 0; k < entries && ifd + 2 + 12 * (k + 1) <= bytes.length; k++) {
      const entry = ifd + 2 + 12 * k;
      if (view.getUint16(entry, little) === 259) {
        const compression = view.getUint16(entry + 8, little);
        return compression === 6 || compression === 7 ? 'tiff-jpeg' : null;
      }
    }
  }
  return null;
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
