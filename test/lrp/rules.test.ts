/**
 * Every linear rule, compiled by the rule engine and run in onnxruntime, against a direct float64 matrix-form
 * implementation (test/helpers/reference.ts) on random dense and conv layers of several shapes, strides,
 * paddings, dilations and groups; on inputs of both signs and on non-negative inputs (where the engine drops
 * the x⁻ terms).
 */
import { describe, expect, it } from 'vitest';
import { attr } from '../../src/onnx/builder.js';
import { float32Tensor } from '../../src/onnx/ir.js';
import { buildRule } from '../../src/lrp/rules/index.js';
import type { RuleParams } from '../../src/lrp/rules/index.js';
import type { LayerCase } from '../helpers/harness.js';
import { layerRuleModel, runModel } from '../helpers/harness.js';
import { rng } from '../helpers/random.js';
import type { ConvSpec, DenseMatrix } from '../helpers/reference.js';
import { convMatrix, convOutputSize, denseMatrix, referenceRule, relativeErrors } from '../helpers/reference.js';

interface Layer {
  readonly label: string;
  readonly layerCase: LayerCase;
  readonly M: DenseMatrix;
  readonly C: DenseMatrix;
  readonly biasRows: Float64Array;
  readonly channels: number;
  readonly perChannel: number;
}

const BATCH = 2;

function denseLayer(seed: number, out: number, inp: number): Layer {
  const r = rng(seed);
  const w = r.normals(out * inp, 1 / Math.sqrt(inp));
  const bias = r.normals(out, 0.1);
  return {
    label: `dense ${inp}→${out}`,
    layerCase: { opType: 'Gemm', weight: float32Tensor([out, inp], w), bias: float32Tensor([out], bias), attributes: {}, xDims: [BATCH, inp] },
    M: denseMatrix(w, out, inp),
    C: denseMatrix(new Float32Array(out * inp).fill(1), out, inp),
    biasRows: Float64Array.from(bias),
    channels: inp,
    perChannel: 1,
  };
}

function convLayer(seed: number, s: ConvSpec): Layer {
  const r = rng(seed);
  const fanIn = (s.inChannels / s.group) * s.kernel[0] * s.kernel[1];
  const count = s.outChannels * fanIn;
  const w = r.normals(count, 1 / Math.sqrt(fanIn));
  const bias = r.normals(s.outChannels, 0.1);
  const [Ho, Wo] = convOutputSize(s);
  const biasRows = new Float64Array(s.outChannels * Ho * Wo);
  for (let o = 0; o < s.outChannels; o++) biasRows.fill(bias[o], o * Ho * Wo, (o + 1) * Ho * Wo);
  return {
    label: `conv ${s.inChannels}→${s.outChannels} ${s.size.join('x')} k${s.kernel.join('x')} s${s.strides.join(',')} p${s.pads.join(',')} d${s.dilations.join(',')} g${s.group}`,
    layerCase: {
      opType: 'Conv',
      weight: float32Tensor([s.outChannels, s.inChannels / s.group, ...s.kernel], w),
      bias: float32Tensor([s.outChannels], bias),
      attributes: { strides: attr.ints(s.strides), pads: attr.ints(s.pads), dilations: attr.ints(s.dilations), group: attr.int(s.group), kernel_shape: attr.ints(s.kernel) },
      xDims: [BATCH, s.inChannels, ...s.size],
    },
    M: convMatrix(s, w),
    C: convMatrix(s, new Float32Array(count).fill(1)),
    biasRows,
    channels: s.inChannels,
    perChannel: s.size[0] * s.size[1],
  };
}

const LAYERS: Layer[] = [
  denseLayer(1, 5, 7),
  denseLayer(2, 12, 3),
  convLayer(3, { inChannels: 3, outChannels: 4, size: [6, 6], kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1 }),
  convLayer(4, { inChannels: 4, outChannels: 6, size: [7, 5], kernel: [3, 2], strides: [2, 1], pads: [1, 0, 0, 1], dilations: [1, 2], group: 1 }),
  convLayer(5, { inChannels: 4, outChannels: 6, size: [6, 6], kernel: [3, 3], strides: [1, 2], pads: [2, 2, 2, 2], dilations: [2, 2], group: 2 }),
  // Strided 1×1 (odd sizes, grouped, mixed strides).
  convLayer(6, { inChannels: 5, outChannels: 3, size: [5, 5], kernel: [1, 1], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 }),
  convLayer(10, { inChannels: 4, outChannels: 6, size: [8, 7], kernel: [1, 1], strides: [2, 3], pads: [0, 0, 0, 0], dilations: [1, 1], group: 2 }),
  convLayer(7, { inChannels: 2, outChannels: 4, size: [8, 8], kernel: [5, 5], strides: [3, 3], pads: [2, 1, 2, 1], dilations: [1, 1], group: 1 }),
  // Stride 1: the transpose runs as a Conv with flipped, channel-swapped weights (grouped, dilated, uneven pads).
  convLayer(8, { inChannels: 6, outChannels: 4, size: [7, 6], kernel: [3, 2], strides: [1, 1], pads: [2, 1, 1, 0], dilations: [2, 1], group: 2 }),
  // Stride 1 with pads larger than the kernel reach: falls back to ConvTranspose.
  convLayer(9, { inChannels: 3, outChannels: 5, size: [5, 5], kernel: [3, 3], strides: [1, 1], pads: [3, 3, 3, 3], dilations: [1, 1], group: 1 }),
];

const RULE_CASES: { rule: string; params: RuleParams }[] = [
  { rule: 'epsilon', params: { epsilon: 1e-6 } },
  { rule: 'epsilon', params: { epsilon: 0.25 } },
  { rule: 'zplus', params: {} },
  { rule: 'alpha-beta', params: { alpha: 2, beta: 1 } },
  { rule: 'alpha-beta', params: { alpha: 1, beta: 0 } },
  { rule: 'gamma', params: { gamma: 0.25 } },
  { rule: 'gamma', params: { gamma: 1.5 } },
  { rule: 'flat', params: {} },
  { rule: 'wsquare', params: {} },
  { rule: 'zbox', params: { low: -2, high: 3 } },
];

async function check(layer: Layer, rule: string, params: RuleParams, nonNegative: boolean, seed: number) {
  const r = rng(seed);
  const { layerCase, M } = layer;
  const J = M.cols;
  const K = M.rows;
  let low: Float64Array | undefined;
  let high: Float64Array | undefined;
  let ruleParams = params;
  if (rule === 'zbox') {
    // Per-channel bounds when the layer has several channels, to exercise that path too.
    const lows = Array.from({ length: layer.channels }, (_, c) => -1.5 - 0.25 * c);
    const highs = Array.from({ length: layer.channels }, (_, c) => 2 + 0.5 * c);
    ruleParams = { low: lows, high: highs };
    low = new Float64Array(J);
    high = new Float64Array(J);
    for (let j = 0; j < J; j++) {
      const c = Math.floor(j / layer.perChannel) % layer.channels;
      low[j] = lows[c];
      high[j] = highs[c];
    }
  }
  const x = new Float32Array(BATCH * J);
  for (let i = 0; i < x.length; i++) {
    const v = r.normal();
    x[i] = nonNegative ? Math.abs(v) : v;
    if (low && high) x[i] = Math.min(high[i % J], Math.max(low[i % J], v));
  }
  const R = r.normals(BATCH * K);
  const compiled = buildRule(rule, ruleParams, 'test');
  const model = layerRuleModel(layerCase, compiled, nonNegative ? 'nonneg' : 'any');
  const out = await runModel(model, { x: { data: x, dims: layerCase.xDims }, R: { data: R, dims: [BATCH, ...outputDims(layer)] } });
  for (let n = 0; n < BATCH; n++) {
    const ref = referenceRule(rule, { ...(params as Record<string, number>) }, {
      M, C: layer.C, b: layer.biasRows, x: x.subarray(n * J, (n + 1) * J), R: R.subarray(n * K, (n + 1) * K), low, high,
    });
    const e = relativeErrors(out.Rx.subarray(n * J, (n + 1) * J), ref);
    // float32 against float64: outputs with |z| near 0 amplify rounding (LRP-0 with random R), hence 1e-4;
    // a wrong term or sign gives errors of order 1.
    expect(e.l2, `${rule} ${JSON.stringify(params)} ${layer.label} sample ${n}`).toBeLessThan(1e-4);
    expect(e.max, `${rule} ${JSON.stringify(params)} ${layer.label} sample ${n}`).toBeLessThan(2e-4);
  }
}

function outputDims(layer: Layer): number[] {
  const c = layer.layerCase;
  if (c.opType === 'Gemm') return [c.weight.dims[0]];
  const spatial = layer.M.rows / c.weight.dims[0];
  const a = c.attributes;
  const geometry = [0, 1].map((d) => {
    const size = c.xDims[2 + d];
    const k = c.weight.dims[2 + d];
    const pads = (a.pads as unknown as { value: number[] }).value;
    const s = (a.strides as unknown as { value: number[] }).value[d];
    const dil = (a.dilations as unknown as { value: number[] }).value[d];
    return Math.floor((size + pads[d] + pads[d + 2] - ((k - 1) * dil + 1)) / s) + 1;
  });
  expect(geometry[0] * geometry[1]).toBe(spatial);
  return [c.weight.dims[0], ...geometry];
}

describe('linear rules against the float64 matrix-form reference', () => {
  for (const { rule, params } of RULE_CASES) {
    for (const [li, layer] of LAYERS.entries()) {
      it(`${rule} ${JSON.stringify(params)} on ${layer.label}, inputs of both signs`, async () => {
        await check(layer, rule, params, false, 100 + li);
      });
      if (rule !== 'zbox') {
        it(`${rule} ${JSON.stringify(params)} on ${layer.label}, non-negative inputs (x⁻ terms dropped)`, async () => {
          await check(layer, rule, params, true, 200 + li);
        });
      }
    }
  }
});

describe('rule parameters', () => {
  it('rejects alpha − beta ≠ 1 and negative values with a one-line message', () => {
    expect(() => buildRule('alpha-beta', { alpha: 2, beta: 2 }, 'test')).toThrow(/alpha − beta must be 1/);
    expect(() => buildRule('alpha-beta', { alpha: -1, beta: -2 }, 'test')).toThrow(/non-negative/);
    expect(() => buildRule('gamma', { gamma: -0.1 }, 'test')).toThrow(/non-negative/);
    expect(() => buildRule('zplus', { gamma: 1 }, 'test')).toThrow(/rule zplus has no parameter "gamma"/);
    expect(() => buildRule('nope', {}, 'test')).toThrow(/unknown rule "nope"/);
    expect(() => buildRule('zbox', { low: 3, high: -3 }, 'test')).toThrow(/low \(3\) must not exceed high/);
  });
});
