/** Image decoding for the model: exact preprocessing from the card, and refusal of what is not a usable image. */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { decodeImage, imageToTensor, storedLosslessly } from '../../src/imaging/image-input.js';
import type { ImagePreprocessing } from '../../src/models/card.js';

const dir = tempDir('lrp-img-');
const pre: ImagePreprocessing = { kind: 'image', input: 'image', size: [4, 4], channel_order: 'RGB', scale: 1 / 255, mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] };

/** A PNG whose header claims width × height pixels, with no image data behind it. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(16))), chunk('IEND', Buffer.alloc(0))]);
}

describe('image input', () => {
  it('normalizes per channel in NCHW order as the card says', async () => {
    const rgb = new Uint8Array(4 * 4 * 3);
    for (let i = 0; i < 16; i++) rgb.set([255, 0, 51], i * 3);
    const file = path.join(dir, 'flat.png');
    await sharp(Buffer.from(rgb), { raw: { width: 4, height: 4, channels: 3 } }).png().toFile(file);
    const { tensor, dims } = await imageToTensor(await decodeImage(file), pre);
    expect(dims).toEqual([1, 3, 4, 4]);
    expect(tensor[0]).toBeCloseTo((1 - 0.5) / 0.5, 5);
    expect(tensor[16]).toBeCloseTo((0 - 0.25) / 0.25, 5);
    expect(tensor[32]).toBeCloseTo((0.2 - 0) / 2, 5);
  });

  it('accepts greyscale and RGBA files as RGB', async () => {
    const grey = path.join(dir, 'grey.png');
    await sharp(Buffer.alloc(16, 128), { raw: { width: 4, height: 4, channels: 1 } }).png().toFile(grey);
    expect((await decodeImage(grey)).rgb.length).toBe(48);
    const rgba = path.join(dir, 'rgba.png');
    await sharp(Buffer.alloc(64, 200), { raw: { width: 4, height: 4, channels: 4 } }).png().toFile(rgba);
    expect((await decodeImage(rgba)).rgb.length).toBe(48);
  });

  it('refuses a decompression bomb before decoding, a non-image, a truncated image and a missing file', async () => {
    const bomb = path.join(dir, 'bomb.png');
    fs.writeFileSync(bomb, pngHeaderOnly(50_000, 50_000));
    expect(fs.statSync(bomb).size).toBeLessThan(200);
    await expect(decodeImage(bomb, 'case.image')).rejects.toThrow(/case\.image: .*bomb\.png is larger than 40 megapixels/);
    const text = path.join(dir, 'notes.png');
    fs.writeFileSync(text, 'this is not an image');
    await expect(decodeImage(text, 'case.image')).rejects.toThrow(/case\.image: .*notes\.png is not a readable image/);
    const good = path.join(dir, 'good.png');
    await sharp(Buffer.alloc(64 * 64 * 3, 90), { raw: { width: 64, height: 64, channels: 3 } }).png().toFile(good);
    const truncated = path.join(dir, 'truncated.png');
    fs.writeFileSync(truncated, fs.readFileSync(good).subarray(0, 60));
    await expect(decodeImage(truncated, 'case.image')).rejects.toThrow(/not a readable image/);
    await expect(decodeImage(path.join(dir, 'missing.png'), 'case.image')).rejects.toThrow(/cannot read case\.image: .*missing\.png: no such file \(ENOENT\)/);
  });
});

describe('storedLosslessly', () => {
  it('is true for PNG, lossless WebP and losslessly compressed TIFF, false for every lossy or unknown storage', async () => {
    const pixels = sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 200, g: 150, b: 120 } } });
    const encoded = async (encode: (s: Sharp) => Sharp) => new Uint8Array(await encode(pixels.clone()).toBuffer());
    const lossless: [string, (s: Sharp) => Sharp][] = [
      ['png', (s) => s.png()],
      ['lossless webp', (s) => s.webp({ lossless: true })],
      ['lzw tiff', (s) => s.tiff({ compression: 'lzw' })],
      ['deflate tiff', (s) => s.tiff({ compression: 'deflate' })],
      ['uncompressed tiff', (s) => s.tiff({ compression: 'none' })],
    ];
    const lossy: [string, (s: Sharp) => Sharp][] = [
      ['jpeg', (s) => s.jpeg()],
      ['lossy webp', (s) => s.webp({ quality: 80 })],
      ['avif', (s) => s.avif({ quality: 50 })],
      ['jpeg in tiff', (s) => s.tiff({ compression: 'jpeg' })],
      ['webp in tiff', (s) => s.tiff({ compression: 'webp' })],
      ['gif', (s) => s.gif()],
    ];
    for (const [name, encode] of lossless) expect(storedLosslessly(await encoded(encode)), name).toBe(true);
    for (const [name, encode] of lossy) expect(storedLosslessly(await encoded(encode)), name).toBe(false);
    // Truncated or crafted containers: an answer, never a throw.
    expect(storedLosslessly(new Uint8Array([1, 2, 3]))).toBe(false);
    const riff = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBP'), Buffer.from('XXXX'), Buffer.from([0xff, 0xff, 0xff, 0xff])]);
    expect(storedLosslessly(new Uint8Array(riff))).toBe(false);
  });
});
