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
