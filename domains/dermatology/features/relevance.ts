/**
 * Where the model looked: the share of positive relevance (summed over colour channels) inside the lesion mask,
 * on a band around its border, and the asymmetry of that relevance between the two halves of the lesion.
 */
import type { Mask } from '../../../src/imaging/mask.js';

export interface RelevanceShares {
  /** Positive relevance inside the mask / all positive relevance. */
  readonly inside: number;
  /** Positive relevance within `band` pixels of the mask border (either side) / all positive relevance. */
  readonly borderBand: number;
}

/** Channel-summed relevance map [H, W] from an input relevance [1, C, H, W]. */
export function relevanceMap(relevance: Float32Array, channels: number, height: number, width: number): Float32Array {
  const map = new Float32Array(height * width);
  for (let c = 0; c < channels; c++) for (let i = 0; i < map.length; i++) map[i] += relevance[c * map.length + i];
  return map;
}

export function relevanceShares(map: Float32Array, mask: Mask, band: number): RelevanceShares {
  const { width, height, data } = mask;
  let total = 0, inside = 0, border = 0;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const v = map[y * width + x];
    if (v <= 0) continue;
    total += v;
    const here = data[y * width + x];
    if (here) inside += v;
    if (nearBorder(data, width, height, x, y, band, here)) border += v;
  }
  return total === 0 ? { inside: 0, borderBand: 0 } : { inside: inside / total, borderBand: border / total };
}

function nearBorder(data: Uint8Array, width: number, height: number, x: number, y: number, band: number, here: number): boolean {
  for (let dy = -band; dy <= band; dy++) for (let dx = -band; dx <= band; dx++) {
    const nx = x + dx, ny = y + dy;
    if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
    if (data[ny * width + nx] !== here) return true;
  }
  return false;
}
