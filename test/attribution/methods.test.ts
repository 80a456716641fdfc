/**
 * Each attribution method on tiny models where the answer is known by hand: on f(x) = w·x + b the gradient
 * is w, gradient × input and IG from a zero baseline are x ⊙ w, occlusion of one feature with fill 0 is its
 * contribution x_i w_i; on a hinge relu(x − 1) the two IG quadratures give different, hand-computed sums.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradient, gradientTimesInput, lrp } from '../../src/attribution/attributor.js';
import type { AttributionModel } from '../../src/attribution/engine.js';
import { CHUNK_ELEMENTS, openAttributionModel } from '../../src/attribution/engine.js';
import { integratedGradients, pathPoints } from '../../src/attribution/integrated-gradients.js';
import { occlusion, occlusionWindows } from '../../src/attribution/occlusion.js';
import { smoothGrad } from '../../src/attribution/smoothgrad.js';
import { resolveComposite } from '../../src/lrp/composites/index.js';
import { flatLinearModel, hingeModel, linearModel, meanModel } from './tiny-models.js';

const w = [1, -2, 3, 0.5];
const bias = 0.25;
// Three samples, row-major [3, 4].
const x = [2, 1, 1, -4, 0.5, 0, -1, 2, -3, 2, 0.25, 1];
const input = { data: Float32Array.from(x), dims: [3, 4] };
const targets = [0, 0, 0];
const xw = x.map((v, i) => v * w[i % 4]);
const logit = (row: readonly number[]) => row.reduce((s, v, i) => s + v * w[i], bias);

let linear: AttributionModel;
beforeAll(async () => {
  linear = await openAttributionModel(linearModel(w, bias, true), { composite: resolveComposite('epsilon', { epsilon: 1e-9 }) });
});
afterAll(() => linear.close());

/** Counts the engine's runs: the sampling methods must stack their copies into as few runs as fit. */
function counting(model: AttributionModel): { model: AttributionModel; runs: () => number } {
  let runs = 0;
  return {
    model: { ...model, forward: (i) => (runs++, model.forward(i)), gradient: (i, t) => (runs++, model.gradient(i, t)) },
    runs: () => runs,
  };
}

describe('engine', () => {
  it('exposes the logits before the Sigmoid head and the probabilities after it', async () => {
    const { logits, probabilities } = await linear.forward(input);
    [0, 1, 2].forEach((s) => {
      const z = logit(x.slice(4 * s, 4 * s + 4));
      expect(logits[s]).toBeCloseTo(z, 5);
      expect(probabilities![s]).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
    });
  });
});

describe('gradient, gradient × input, LRP on a linear model', () => {
  it('gradient = w for every sample', async () => {
    expect(Array.from(await gradient(linear, input, targets))).toEqual(x.map((_, i) => w[i % 4]));
  });
  it('gradient × input = x ⊙ w', async () => {
    Array.from(await gradientTimesInput(linear, input, targets)).forEach((r, i) => expect(r).toBeCloseTo(xw[i], 6));
  });
  it('LRP-ε (ε → 0, logit seed) = x ⊙ w: z includes the bias, so R_i = x_i w_i / z · z and the bias keeps b', async () => {
    Array.from(await lrp(linear, input, targets)).forEach((r, i) => expect(r).toBeCloseTo(xw[i], 5));
  });
});

describe('SmoothGrad', () => {
  it('averages gradients over noisy copies in one run: on a linear model exactly w, and w ⊙ x with timesInput', async () => {
    const c = counting(linear);
    const r = await smoothGrad({ samples: 8, noise: 0.2, seed: 3 })(c.model, input, targets);
    expect(c.runs()).toBe(1);
    Array.from(r).forEach((v, i) => expect(v).toBeCloseTo(w[i % 4], 5));
    Array.from(await smoothGrad({ samples: 8, noise: 0.2, seed: 3, timesInput: true })(linear, input, targets)).forEach((v, i) => expect(v).toBeCloseTo(xw[i], 5));
  });
  it('smooths a kink: on relu(x₀ − 1) at x = (1, 0) the mean gradient is P(noise > 0) ≈ ½, and repeats under its seed', async () => {
    const hinge = await openAttributionModel(hingeModel([1, 0], -1));
    try {
      const atKink = { data: Float32Array.from([1, 0]), dims: [1, 2] };
      const sg = (seed: number) => smoothGrad({ samples: 400, noise: 0.1, seed })(hinge, atKink, [0]);
      const first = await sg(5);
      // 400 fair coin flips: ½ ± 0.025 (one standard deviation); the plain gradient here is 0.
      expect(first[0]).toBeGreaterThan(0.4);
      expect(first[0]).toBeLessThan(0.6);
      expect(first[1]).toBe(0);
      expect(Array.from(await sg(5))).toEqual(Array.from(first));
    } finally {
      await hinge.close();
    }
  });
});

describe('Integrated Gradients', () => {
  it('from a zero baseline equals x ⊙ w on a linear model, all path points of all samples in one run', async () => {
    for (const rule of ['midpoint', 'trapezoid'] as const) {
      const c = counting(linear);
      const r = await integratedGradients({ steps: 5, baseline: 0, rule })(c.model, input, targets);
      expect(c.runs()).toBe(1);
      Array.from(r).forEach((v, i) => expect(v).toBeCloseTo(xw[i], 5));
    }
  });
  it('with a per-element baseline x′ equals (x − x′) ⊙ w', async () => {
    const baseline = Float32Array.from([1, 1, -1, 0]);
    const r = await integratedGradients({ steps: 3, baseline, rule: 'midpoint' })(linear, input, targets);
    Array.from(r).forEach((v, i) => expect(v).toBeCloseTo((x[i] - baseline[i % 4]) * w[i % 4], 5));
  });
  it('on relu(x − 1) from 0 to 3: midpoint with 3 steps gives 2 (exact), trapezoid 1.5 (the kink at α = ⅓ has gradient 0)', async () => {
    expect(pathPoints(3, 'trapezoid')).toEqual({ alphas: [0, 1 / 3, 2 / 3, 1], weights: [1 / 6, 1 / 3, 1 / 3, 1 / 6] });
    const hinge = await openAttributionModel(hingeModel());
    try {
      const three = { data: Float32Array.from([3]), dims: [1, 1] };
      expect((await integratedGradients({ steps: 3, baseline: 0, rule: 'midpoint' })(hinge, three, [0]))[0]).toBeCloseTo(2, 6);
      expect((await integratedGradients({ steps: 3, baseline: 0, rule: 'trapezoid' })(hinge, three, [0]))[0]).toBeCloseTo(1.5, 6);
    } finally {
      await hinge.close();
    }
  });
});

describe('occlusion', () => {
  it('of one feature with fill 0 is its contribution x_i w_i; with a per-feature fill, (x_i − fill_i) w_i', async () => {
    const c = counting(linear);
    const r = await occlusion({ window: 1, stride: 1, fill: 0 })(c.model, input, targets);
    expect(c.runs()).toBe(2); // the unoccluded logits, then every occluded copy of every sample
    Array.from(r).forEach((v, i) => expect(v).toBeCloseTo(xw[i], 5));
    const fill = Float32Array.from([0.5, -1, 2, 1]);
    Array.from(await occlusion({ window: 1, stride: 1, fill })(linear, input, targets)).forEach((v, i) => expect(v).toBeCloseTo((x[i] - fill[i % 4]) * w[i % 4], 5));
  });

  it('slides a window over the last two dimensions of an image and averages over the windows covering a pixel', async () => {
    // Input [2, 3, 3]; windows 2 × 2 with stride 1: starts 0 and 1 on each axis → 4 windows, all channels.
    expect(occlusionWindows([2, 3, 3], 2, 1)[3]).toEqual([4, 5, 7, 8, 13, 14, 16, 17]);
    expect(occlusionWindows([2, 3, 3], 2, 2)).toHaveLength(4); // starts 0, 2: the edge windows are clipped
    const weights = Array.from({ length: 18 }, (_, i) => (i % 5) - 2);
    const image = Array.from({ length: 18 }, (_, i) => Math.cos(i));
    const model = await openAttributionModel(flatLinearModel([2, 3, 3], weights));
    try {
      const r = await occlusion({ window: 2, stride: 1, fill: 0 })(model, { data: Float32Array.from(image), dims: [1, 2, 3, 3] }, [0]);
      // By hand: a window's drop is the sum of x·w over what it covers; pixel (y, x) lies in the windows
      // starting at (y0, x0) with y0 ∈ {y−1, y} ∩ {0, 1}, likewise x0.
      const drop = (y0: number, x0: number) => [0, 1].reduce((s, c) => s + [0, 1].reduce((t, dy) => t + [0, 1].reduce((u, dx) => u + image[c * 9 + (y0 + dy) * 3 + x0 + dx] * weights[c * 9 + (y0 + dy) * 3 + x0 + dx], 0), 0), 0);
      for (let c = 0; c < 2; c++) for (let y = 0; y < 3; y++) for (let xx = 0; xx < 3; xx++) {
        const ys = [y - 1, y].filter((v) => v >= 0 && v <= 1), xs = [xx - 1, xx].filter((v) => v >= 0 && v <= 1);
        const expected = ys.reduce((s, y0) => s + xs.reduce((t, x0) => t + drop(y0, x0), 0), 0) / (ys.length * xs.length);
        expect(r[c * 9 + y * 3 + xx]).toBeCloseTo(expected, 5);
      }
    } finally {
      await model.close();
    }
  });
});

describe('batches larger than one run', () => {
  it('split into chunks and stacked groups that keep every sample in its place', async () => {
    // Samples of 2^19 values: 4 fit in a run, so 6 samples take two runs and SmoothGrad's copies three groups.
    const [height, width] = [512, 1024];
    expect(height * width * 4).toBe(CHUNK_ELEMENTS);
    const model = await openAttributionModel(meanModel(height, width, 2));
    try {
      const n = 6;
      const data = new Float32Array(n * height * width);
      for (let s = 0; s < n; s++) data.fill(s + 1, s * height * width, (s + 1) * height * width);
      const batch = { data, dims: [n, 1, height, width] };
      const { logits } = await model.forward(batch);
      expect(Array.from(logits)).toEqual([2, 4, 6, 8, 10, 12]);
      const g = 2 / (height * width);
      const r = await smoothGrad({ samples: 2, noise: 0.1, seed: 1, timesInput: true })(model, batch, new Array<number>(n).fill(0));
      for (let s = 0; s < n; s++) expect(r[s * height * width + 7]).toBeCloseTo(g * (s + 1), 9);
    } finally {
      await model.close();
    }
  });
});
