/**
 * Gaussian noise sized to the input: σ = share × (max − min of the sample), so one setting means the same on
 * normalized images and on standardized tables. Used by SmoothGrad and by the stability metric.
 */
import type { Random } from '../util/random.js';

/** Adds N(0, σ²) to `row` in place, σ = share × range(`reference`); only where `mask` is 1 when given. */
export function addRangeNoise(row: Float32Array, reference: Float32Array, share: number, random: Random, mask?: Uint8Array): void {
  let lo = Infinity, hi = -Infinity;
  for (const v of reference) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  const sigma = share * (hi - lo);
  for (let i = 0; i < row.length; i++) if (!mask || mask[i]) row[i] += random.normal() * sigma;
}
