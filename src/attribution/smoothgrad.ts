/**
 * SmoothGrad (Smilkov et al. 2017): the mean gradient over `samples` noisy copies of each input, the noise
 * Gaussian with σ = `noise` × (max − min of that input), drawn from a seeded PRNG so results repeat. All
 * copies of a group of inputs go through the gradient engine in one run.
 */
import { seededRandom } from '../util/random.js';
import type { Attributor } from './attributor.js';
import { multiply } from './attributor.js';
import { addRangeNoise } from './noise.js';
import { forEachStack, sampleOf } from './stack.js';

export interface SmoothGradOptions {
  readonly samples: number;
  /** σ of the noise as a share of each input's value range (Smilkov et al. found 0.1–0.2 works). */
  readonly noise: number;
  readonly seed: number;
  /** Multiply the mean gradient by the input (SmoothGrad × input) so that it reads as a contribution. */
  readonly timesInput?: boolean;
}

export function smoothGrad(options: SmoothGradOptions): Attributor {
  return async (model, input, targets) => {
    const per = input.data.length / input.dims[0];
    const out = new Float32Array(input.data.length);
    const random = seededRandom(options.seed);
    await forEachStack(
      input,
      () => options.samples,
      (sample, _, row) => addRangeNoise(row, sampleOf(input, sample), options.noise, random),
      async ({ input: stacked, owner }) => {
        const { relevance } = await model.gradient(stacked, owner.map((s) => targets[s]));
        owner.forEach((s, row) => {
          for (let i = 0; i < per; i++) out[s * per + i] += relevance[row * per + i] / options.samples;
        });
      },
    );
    return options.timesInput ? multiply(out, input.data) : out;
  };
}
