/**
 * Pixel-flipping / region perturbation (Bach et al. 2015, Samek et al. 2017): remove units (regions or
 * attributes) in an order, `unitsPerStep` at a time, by setting them to `fill`, and record the target score
 * after each step. AOPC = 1/(L+1) Σ_{k=0…L} (f(x) − f(x_k)) (Samek et al.; the k = 0 term is 0): the larger,
 * the faster the score falls, i.e. the better the order found what the model used. Removing in the order of
 * a method's relevance (most relevant first) is compared with removing in random orders.
 */
import type { AttributionModel } from '../attribution/engine.js';
import { forEachStack } from '../attribution/stack.js';
import type { InputBatch } from '../lrp/explainer.js';
import type { Random } from '../util/random.js';
import type { Units } from './units.js';
import { unitRelevance } from './units.js';

export interface PerturbationOptions {
  readonly units: Units;
  readonly unitsPerStep: number;
  /** L: steps after the unperturbed input (at most all units). */
  readonly steps: number;
  /** The value a removed element takes: one for all, or one sample's worth (e.g. the population mean). */
  readonly fill: number | Float32Array;
}

/** Scores f(x_0 … x_L) of each sample: the target's logit and, when the model has a head, its probability. */
export interface PerturbationCurves {
  readonly logit: readonly Float64Array[];
  readonly probability?: readonly Float64Array[];
}

/** Units by decreasing relevance (ties by index, so the order is deterministic). */
export function relevanceOrder(relevance: ArrayLike<number>, units: Units): number[] {
  const r = unitRelevance(relevance, units);
  return Array.from(r.keys()).sort((a, b) => r[b] - r[a] || a - b);
}

/** A uniformly random permutation of the units (Fisher–Yates). */
export function randomOrder(count: number, random: Random): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Runs the perturbation of every sample in its own order; all steps of a group of samples in one run. */
export async function perturbationCurves(model: AttributionModel, input: InputBatch, targets: readonly number[], orders: readonly (readonly number[])[], options: PerturbationOptions): Promise<PerturbationCurves> {
  const steps = Math.min(options.steps, Math.ceil(options.units.length / options.unitsPerStep));
  const fill = (i: number) => (typeof options.fill === 'number' ? options.fill : options.fill[i]);
  const batch = input.dims[0];
  const logit = Array.from({ length: batch }, () => new Float64Array(steps + 1));
  const probability = Array.from({ length: batch }, () => new Float64Array(steps + 1));
  let hasHead = false;
  await forEachStack(
    input,
    () => steps + 1,
    (sample, k, row) => {
      // Copy k has the first k · unitsPerStep units of the order removed.
      for (const unit of orders[sample].slice(0, k * options.unitsPerStep)) for (const i of options.units[unit]) row[i] = fill(i);
    },
    async ({ input: stacked, owner, copy }) => {
      const { logits, probabilities } = await model.forward(stacked);
      hasHead = probabilities !== undefined;
      owner.forEach((s, row) => {
        logit[s][copy[row]] = logits[row * model.classes + targets[s]];
        if (probabilities) probability[s][copy[row]] = probabilities[row * model.classes + targets[s]];
      });
    },
  );
  return { logit, ...(hasHead ? { probability } : {}) };
}

/** AOPC of one curve f(x_0 … x_L). */
export function aopc(curve: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < curve.length; k++) sum += curve[0] - curve[k];
  return sum / curve.length;
}
