/** Writes relevance of an image batch [N, C, H, W] as one PNG strip (one panel per sample). */
import sharp from 'sharp';
import { fail } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { channelSum, heatmapPixels } from './colormap.js';

export async function writeHeatmapPng(file: string, relevance: Float32Array, dims: readonly number[]): Promise<void> {
  if (dims.length !== 4) fail(`--heatmap needs image input [batch, channels, height, width]; the input has shape [${dims.join(', ')}]`);
  const [n, c, h, w] = dims;
  const gap = n > 1 ? 4 : 0;
  const width = n * w + (n - 1) * gap;
  const strip = new Uint8Array(width * h * 3).fill(255);
  for (let s = 0; s < n; s++) {
    const panel = heatmapPixels(channelSum(relevance.subarray(s * c * h * w, (s + 1) * c * h * w), c, h, w));
    for (let y = 0; y < h; y++) strip.set(panel.subarray(y * w * 3, (y + 1) * w * 3), (y * width + s * (w + gap)) * 3);
  }
  // Small inputs are enlarged (nearest neighbour, so pixels stay honest) to be readable.
  const scale = Math.max(1, Math.ceil(128 / h));
  const png = await sharp(strip, { raw: { width, height: h, channels: 3 } }).resize(width * scale, h * scale, { kernel: 'nearest' }).png().toBuffer();
  writeFileAtomic(file, png);
}
