/**
 * The metrics against values worked out by hand: Spearman on textbook vectors, perturbation units, AOPC of
 * the exact order on a linear model, the randomisation of the only layer and the stability of a gradient
 * that does not depend on the input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradient, gradientTimesInput } from '../../src/attribution/attributor.js';
import type { AttributionModel } from '../../src/attribution/engine.js';
import { openAttributionModel } from '../../src/attribution/engine.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { aopc, perturbationCurves, randomOrder, relevanceOrder } from '../../src/evaluate/perturbation.js';
import { linearLayers, randomisationCheck, randomiseTopLayers } from '../../src/evaluate/randomisation.js';
import { ranks, spearman } from '../../src/evaluate/spearman.js';
import { stability } from '../../src/evaluate/stability.js';
import { attributeUnits, imageRegions } from '../../src/evaluate/units.js';
import type { TabularPreprocessing } from '../../src/models/card.js';
import type { Model } from '../../src/onnx/ir.js';
import { floatValues } from '../../src/onnx/ir.js';
import { seededRandom } from '../../src/util/random.js';
import { hingeModel, linearModel, twoLayerModel } from '../attribution/tiny-models.js';

/** Spearman without ties, by the textbook formula 1 − 6 Σd² / (n (n² − 1)): independent of ranks()/pearson(). */
function spearmanNoTies(a: readonly number[], b: readonly number[]): number {
  const rank = (v: readonly number[]) => v.map((x) => v.filter((y) => y < x).length + 1);
  const ra = rank(a), rb = rank(b);
  const n = a.length;
  return 1 - (6 * ra.reduce((s, r, i) => s + (r - rb[i]) ** 2, 0)) / (n * (n * n - 1));
}

describe('spearman', () => {
  it('matches textbook values and averages tied ranks', () => {
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12); // Σd² = 4: 1 − 24/120
    expect(spearman([1, 2, 3], [30, 20, 10])).toBeCloseTo(-1, 12);
    expect(Array.from(ranks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    // With ties: ranks a = [1, 2.5, 2.5, 4], b = [1, 2, 3, 4] → Pearson = 4.5 / √(4.5 · 5).
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(4.5 / Math.sqrt(4.5 * 5), 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});

describe('perturbation units', () => {
  it('cuts an image into regions across channels, and a tabular vector into attributes', () => {
    const regions = imageRegions([2, 4, 4], 2);
    expect(regions).toHaveLength(4);
    expect(regions[1]).toEqual([2, 3, 6, 7, 18, 19, 22, 23]);
    expect(imageRegions([1, 3, 3], 2).map((r) => r.length)).toEqual([4, 2, 2, 1]);
    const pre: TabularPreprocessing = {
      kind: 'tabular', input: 'x', columns: 6,
      features: [
        { name: 'a', type: 'categorical', levels: ['p', 'q', 'r'] },
        { name: 'b', type: 'numeric', transform: 'none', mean: 0, std: 1, valid_range: [0, 1] },
        { name: 'c', type: 'categorical', levels: ['s', 't'] },
      ],
    };
    expect(attributeUnits(pre)).toEqual([[0, 1, 2], [3], [4, 5]]);
  });
});

describe('AOPC on a linear model (hand-computed)', () => {
  // f(x) = w·x with contributions c = x ⊙ w = [2, −2, 3, −2], f(x) = 1. Most relevant first: 3 (feature 2),
  // 2 (feature 0), then the tied −2s by index (1, 3). Drops f(x) − f(x_k) after k removals: 0, 3, 5, 3, 1.
  const w = [1, -2, 3, 0.5];
  const x = { data: Float32Array.from([2, 1, 1, -4]), dims: [1, 4] };
  const units = [[0], [1], [2], [3]];
  let model: AttributionModel;
  beforeAll(async () => (model = await openAttributionModel(linearModel(w, 0, true))));
  afterAll(() => model.close());

  it('orders by relevance and gives AOPC (0 + 3 + 5 + 3 + 1) / 5 = 2.4 on the logit', async () => {
    const r = await gradientTimesInput(model, x, [0]);
    const order = relevanceOrder(r, units);
    expect(order).toEqual([2, 0, 1, 3]);
    const curves = await perturbationCurves(model, x, [0], [order], { units, unitsPerStep: 1, steps: 4, fill: 0 });
    expect(Array.from(curves.logit[0])).toEqual([1, -2, -4, -2, 0]);
    expect(aopc(curves.logit[0])).toBeCloseTo(2.4, 6);
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    expect(aopc(curves.probability![0])).toBeCloseTo([1, -2, -4, -2, 0].reduce((s, z) => s + sigmoid(1) - sigmoid(z), 0) / 5, 6);
  });

  it('removes unitsPerStep units per step and stops after `steps`: drops 0, 5, 1 → AOPC 2', async () => {
    const curves = await perturbationCurves(model, x, [0], [[2, 0, 1, 3]], { units, unitsPerStep: 2, steps: 9, fill: 0 });
    expect(Array.from(curves.logit[0])).toEqual([1, -4, 0]);
    expect(aopc(curves.logit[0])).toBeCloseTo(2, 6);
  });

  it('fills with per-element values (the population mean) and scores against the random orders', async () => {
    const mean = Float32Array.from([1, 1, 1, 1]);
    // Removing feature 2 first sets it to 1 (no change); then feature 0: 2 → 1, drop 1.
    const curves = await perturbationCurves(model, x, [0], [[2, 0]], { units, unitsPerStep: 1, steps: 2, fill: mean });
    expect(Array.from(curves.logit[0])).toEqual([1, 1, 0]);
    const random = seededRandom(4);
    const orders = Array.from({ length: 50 }, () => randomOrder(4, random));
    for (const o of orders) expect([...o].sort()).toEqual([0, 1, 2, 3]);
    expect(new Set(orders.map((o) => o.join())).size).toBeGreaterThan(10);
  });

  it('evaluate(): the exact order beats the mean of the random orders (24 permutations: mean AOPC by enumeration)', async () => {
    const permutations = (n: number): number[][] => (n === 0 ? [[]] : permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)])));
    const c = [2, -2, 3, -2];
    const aopcOf = (order: number[]) => order.reduce((s, _, k) => s + order.slice(0, k + 1).reduce((t, i) => t + c[i], 0), 0) / 5;
    const all = permutations(4).map(aopcOf);
    const expectedRandom = all.reduce((s, a) => s + a, 0) / 24;
    const sd = Math.sqrt(all.reduce((s, a) => s + (a - expectedRandom) ** 2, 0) / 24);
    expect(aopcOf([2, 0, 1, 3])).toBeCloseTo(2.4, 12);
    const result = await evaluate({
      model: linearModel(w, 0, true),
      open: (m) => openAttributionModel(m),
      methods: new Map([['gradient-x-input', gradientTimesInput]]),
      input: x,
      targets: [0],
      perturbation: { units, unitsPerStep: 1, steps: 4, fill: 0, randomOrders: 400 },
      correlationUnits: units,
      subset: 1,
      stability: { noise: 0.01, draws: 1, seed: 1 },
      seed: 9,
    });
    expect(result.methods[0].aopcLogit.mean).toBeCloseTo(2.4, 5);
    expect(result.methods[0].curveLogit).toEqual([0, -3, -5, -3, -1]);
    // 400 random orders: their mean AOPC is within 3 standard errors of the exact expectation.
    expect(Math.abs(result.random.aopcLogit.mean - expectedRandom)).toBeLessThan((3 * sd) / Math.sqrt(400));
    expect(result.methods[0].gainOverRandom.mean).toBeCloseTo(2.4 - result.random.aopcLogit.mean, 6);
    expect(result.methods[0].winRate).toBe(1);
    expect(result.randomisation.get('gradient-x-input')!.map((s) => s.randomised)).toEqual([0, 1]);
  });
});

describe('model-parameter randomisation', () => {
  const W1 = [1, 0, -1, 2, 0.5, -0.5, 1, 1, -2, 1, 0, 0.5];
  const model = twoLayerModel(W1, [0.1, 0.2, -0.1], [1, -1, 2]);
  const weightsOf = (m: Model, name: string) => Array.from(floatValues(m.graph.initializers.get(name)!));
  const names = (m: Model) => linearLayers(m).map((n) => n.inputs[1]);

  it('re-initialises the last k linear layers only, with the trained σ, the same draw for a layer at every depth', () => {
    const [first, last] = names(model);
    const one = randomiseTopLayers(model, 1, 11);
    const two = randomiseTopLayers(model, 2, 11);
    expect(weightsOf(one, first)).toEqual(weightsOf(model, first));
    expect(weightsOf(one, last)).not.toEqual(weightsOf(model, last));
    expect(weightsOf(two, last)).toEqual(weightsOf(one, last));
    expect(weightsOf(two, first)).not.toEqual(weightsOf(model, first));
    expect(weightsOf(randomiseTopLayers(model, 1, 11), last)).toEqual(weightsOf(one, last));
    // σ of the redraw follows the trained tensor's: on a large layer the sample σ is close.
    const big = twoLayerModel(Array.from({ length: 3000 }, (_, i) => 3 * Math.sin(i)), [0, 0, 0], [1, 1, 1]);
    const redrawn = weightsOf(randomiseTopLayers(big, 2, 1), names(big)[0]);
    const sd = (v: number[]) => Math.sqrt(v.reduce((s, a) => s + a * a, 0) / v.length - (v.reduce((s, a) => s + a, 0) / v.length) ** 2);
    expect(sd(redrawn) / sd(Array.from({ length: 3000 }, (_, i) => 3 * Math.sin(i)))).toBeCloseTo(1, 1);
  });

  it('on a linear model, randomising the only layer turns gradient × input from x ⊙ w into x ⊙ w′: Spearman as computed by hand', async () => {
    const w = [1, -2, 3, 0.5, -1.5, 2.5];
    const linear = linearModel(w, 0.3);
    // |x ⊙ w| without ties, so the textbook formula applies.
    const xs = [[2.5, 1, 1, -3, 0.5, 3], [-1, 2, 0.25, 1, 3, -2]];
    const input = { data: Float32Array.from(xs.flat()), dims: [2, 6] };
    const wNew = weightsOf(randomiseTopLayers(linear, 1, 5), names(linear)[0]);
    const curves = await randomisationCheck(linear, (m) => openAttributionModel(m), new Map([['gxi', gradientTimesInput], ['gradient', gradient]]), input, [0, 0], [[0], [1], [2], [3], [4], [5]], 5);
    const gxi = curves.get('gxi')!;
    expect(gxi.map((s) => [s.randomised, s.layer])).toEqual([[0, '(trained)'], [1, linearLayers(linear)[0].name]]);
    expect(gxi[0].absolute).toBeCloseTo(1, 12);
    const expected = (f: (x: number[], v: number[]) => number[]) => xs.reduce((s, x) => s + spearmanNoTies(f(x, w), f(x, wNew)), 0) / xs.length;
    expect(gxi[1].absolute).toBeCloseTo(expected((x, v) => x.map((xi, i) => Math.abs(xi * v[i]))), 5);
    expect(gxi[1].signed).toBeCloseTo(expected((x, v) => x.map((xi, i) => xi * v[i])), 5);
    expect(curves.get('gradient')![1].absolute).toBeCloseTo(spearmanNoTies(w.map(Math.abs), wNew.map(Math.abs)), 5);
  });
});

describe('stability under noise', () => {
  it('is exactly 1 for a gradient that does not depend on the input, and where no element may move', async () => {
    const model = await openAttributionModel(linearModel([1, -2, 3, 0.5], 0));
    const x = { data: Float32Array.from([2, 1, 1, -4, 0.5, 0, -1, 2]), dims: [2, 4] };
    try {
      expect(Array.from(await stability(model, gradient, x, [0, 0], [[0], [1], [2], [3]], { noise: 0.3, draws: 2, seed: 1 }))).toEqual([1, 1]);
      expect(Array.from(await stability(model, gradientTimesInput, x, [0, 0], [[0], [1], [2], [3]], { noise: 0.3, draws: 2, seed: 1, perturbable: new Uint8Array(4) }))).toEqual([1, 1]);
    } finally {
      await model.close();
    }
  });

  it('drops below 1 when noise moves the ranking: x ⊙ w near a tie', async () => {
    const model = await openAttributionModel(hingeModel([1, 1, 1, 1], 5));
    // Contributions 1.00, 1.01, 1.02, 1.03: σ = 0.5 × range 0.03 reorders them often.
    const x = { data: Float32Array.from([1, 1.01, 1.02, 1.03]), dims: [1, 4] };
    try {
      const [rho] = await stability(model, gradientTimesInput, x, [0], [[0], [1], [2], [3]], { noise: 0.5, draws: 20, seed: 2 });
      expect(rho).toBeLessThan(0.9);
      expect(rho).toBeGreaterThan(-1);
    } finally {
      await model.close();
    }
  });
});
