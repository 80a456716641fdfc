/**
 * Explanation stability under small input noise: explain x and x + ε (ε Gaussian, σ = `noise` × the
 * input's value range, on the elements `perturbable` allows) and take Spearman's rank correlation of the two
 * relevance maps over `units`. 1 means the ranking did not move; a method whose ranking jumps under noise the
 * model barely notices explains the noise, not the model.
 */
import type { Attributor } from '../attribution/attributor.js';
import type { AttributionModel } from '../attribution/engine.js';
import { addRangeNoise } from '../attribution/noise.js';
import type { InputBatch } from '../lrp/explainer.js';
import { seededRandom } from '../util/random.js';
import { spearman } from './spearman.js';
import type { Units } from './units.js';
import { unitRelevance } from './units.js';

export interface StabilityOptions {
  readonly noise: number;
  readonly draws: number;
  readonly seed: number;
  /** 1 where noise may be added (one sample's worth): e.g. numeric columns but not one-hot ones. */
  readonly perturbable?: Uint8Array;
}

/** Per sample, the mean Spearman correlation over the draws. */
export async function stability(
  model: AttributionModel,
  attribute: Attributor,
  input: InputBatch,
  targets: readonly number[],
  units: Units,
  options: StabilityOptions,
): Promise<Float64Array> {
  const batch = input.dims[0];
  const per = input.data.length / batch;
  const random = seededRandom(options.seed);
  const view = (r: Float32Array, s: number) => unitRelevance(r.subarray(s * per, (s + 1) * per), units);
  const original = await attribute(model, input, targets);
  const result = new Float64Array(batch);
  for (let d = 0; d < options.draws; d++) {
    const noisy = Float32Array.from(input.data);
    for (let s = 0; s < batch; s++) addRangeNoise(noisy.subarray(s * per, (s + 1) * per), input.data.subarray(s * per, (s + 1) * per), options.noise, random, options.perturbable);
    const moved = await attribute(model, { data: noisy, dims: input.dims }, targets);
    for (let s = 0; s < batch; s++) result[s] += spearman(view(original, s), view(moved, s)) / options.draws;
  }
  return result;
}
