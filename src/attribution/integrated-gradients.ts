/**
 * Integrated Gradients (Sundararajan et al. 2017): (x − x′) ⊙ ∫₀¹ ∇f(x′ + α(x − x′)) dα, the integral by the
 * midpoint (Riemann) or the trapezoid rule over `steps` intervals. The path points of a group of inputs go
 * through the gradient engine in one run. Completeness: Σ IG = f(x) − f(x′) up to the quadrature error.
 */
import type { Attributor } from './attributor.js';
import { forEachStack } from './stack.js';

export interface IntegratedGradientsOptions {
  readonly steps: number;
  /** x′: one value for every element, or one sample's worth of values. */
  readonly baseline: number | Float32Array;
  /** `midpoint`: α = (k + ½)/steps, equal weights; `trapezoid`: α = k/steps, half weight at both ends. */
  readonly rule: 'midpoint' | 'trapezoid';
}

/** The quadrature: points α and weights summing to 1. */
export function pathPoints(steps: number, rule: IntegratedGradientsOptions['rule']): { alphas: number[]; weights: number[] } {
  if (rule === 'midpoint') return { alphas: Array.from({ length: steps }, (_, k) => (k + 0.5) / steps), weights: new Array<number>(steps).fill(1 / steps) };
  const alphas = Array.from({ length: steps + 1 }, (_, k) => k / steps);
  return { alphas, weights: alphas.map((_, k) => (k === 0 || k === steps ? 0.5 : 1) / steps) };
}

export function integratedGradients(options: IntegratedGradientsOptions): Attributor {
  const { alphas, weights } = pathPoints(options.steps, options.rule);
  return async (model, input, targets) => {
    const per = input.data.length / input.dims[0];
    const base = (i: number) => (typeof options.baseline === 'number' ? options.baseline : options.baseline[i]);
    const mean = new Float32Array(input.data.length);
    await forEachStack(
      input,
      () => alphas.length,
      (_, k, row) => {
        for (let i = 0; i < per; i++) row[i] = base(i) + alphas[k] * (row[i] - base(i));
      },
      async ({ input: stacked, owner, copy }) => {
        const { relevance } = await model.gradient(stacked, owner.map((s) => targets[s]));
        owner.forEach((s, row) => {
          for (let i = 0; i < per; i++) mean[s * per + i] += weights[copy[row]] * relevance[row * per + i];
        });
      },
    );
    return Float32Array.from(mean, (g, j) => g * (input.data[j] - base(j % per)));
  };
}
