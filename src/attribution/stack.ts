/**
 * Stacking copies of samples into one batch: the sampling methods (SmoothGrad, IG, occlusion) and the
 * perturbation metrics turn each sample into many and run them together, a group of samples at a time so
 * that the stacked batch stays near CHUNK_ELEMENTS values.
 */
import type { InputBatch } from '../lrp/explainer.js';
import { CHUNK_ELEMENTS } from './engine.js';

export interface Stacked {
  readonly input: InputBatch;
  /** Sample index (within the whole input) of each stacked row. */
  readonly owner: readonly number[];
  /** Which copy of its sample each row is (0, 1, …). */
  readonly copy: readonly number[];
}

/**
 * Calls `fill(sample, copy, row)` for `copies(sample)` rows per sample, for groups of whole samples, and
 * hands each filled group to `use`. `row` is the destination (one sample's values) and starts as the sample.
 */
export async function forEachStack(
  input: InputBatch,
  copies: (sample: number) => number,
  fill: (sample: number, copy: number, row: Float32Array) => void,
  use: (stacked: Stacked) => Promise<void>,
): Promise<void> {
  const batch = input.dims[0];
  const per = input.data.length / batch;
  let sample = 0;
  while (sample < batch) {
    const owner: number[] = [];
    const copy: number[] = [];
    // At least one whole sample per group, then more while the group fits.
    do {
      for (let c = 0; c < copies(sample); c++) owner.push(sample), copy.push(c);
      sample++;
    } while (sample < batch && (owner.length + copies(sample)) * per <= CHUNK_ELEMENTS);
    const data = new Float32Array(owner.length * per);
    owner.forEach((s, row) => {
      const view = data.subarray(row * per, (row + 1) * per);
      view.set(input.data.subarray(s * per, (s + 1) * per));
      fill(s, copy[row], view);
    });
    await use({ input: { data, dims: [owner.length, ...input.dims.slice(1)] }, owner, copy });
  }
}

/** One sample's values (a view). */
export function sampleOf(input: InputBatch, sample: number): Float32Array {
  const per = input.data.length / input.dims[0];
  return input.data.subarray(sample * per, (sample + 1) * per);
}
