/**
 * Small sequential networks defined once as data, turned into (a) an ONNX model and (b) a float64 reference
 * that runs the forward pass, the gradient and LRP directly in matrix form. Used for whole-network checks
 * and invariants (LRP-0 = gradient × input, zplus ≥ 0, conservation).
 */
import { attr, createBuilder } from '../../src/onnx/builder.js';
import type { Model } from '../../src/onnx/ir.js';
import { float32Tensor } from '../../src/onnx/ir.js';
import { rng } from './random.js';
import type { ConvSpec, DenseMatrix } from './reference.js';
import { convMatrix, convOutputSize, denseMatrix, referenceRule, stab } from './reference.js';

export type LayerSpec =
  | { kind: 'conv'; out: number; kernel: number; stride?: number; pad?: number; bias?: boolean }
  | { kind: 'dense'; out: number; bias?: boolean }
  | { kind: 'relu' }
  | { kind: 'maxpool'; kernel: number; stride: number; pad: number }
  | { kind: 'avgpool'; kernel: number; stride: number; pad: number; includePad: boolean }
  | { kind: 'gap' }
  | { kind: 'flatten' };

type RefLayer =
  | { kind: 'linear'; M: DenseMatrix; C: DenseMatrix; b: Float64Array; onnxOp: 'Conv' | 'Gemm' }
  | { kind: 'relu' }
  | { kind: 'maxpool'; windows: number[][] }
  | { kind: 'avg'; P: DenseMatrix }
  | { kind: 'reshape' };

export interface Network {
  readonly model: Model;
  readonly inputDims: readonly number[];
  readonly classes: number;
  readonly layers: readonly RefLayer[];
}

/** Builds the network for inputs of shape [C, H, W] (or [F]); weights from `seed`. */
export function buildNetwork(inputShape: readonly number[], specs: readonly LayerSpec[], seed: number): Network {
  const r = rng(seed);
  const b = createBuilder(['input'], 'net');
  let current = 'input';
  let shape = [...inputShape];
  const layers: RefLayer[] = [];
  for (const s of specs) {
    const size = shape.reduce((a, c) => a * c, 1);
    switch (s.kind) {
      case 'conv': {
        const [cin, h, w] = shape;
        const spec: ConvSpec = { inChannels: cin, outChannels: s.out, size: [h, w], kernel: [s.kernel, s.kernel], strides: [s.stride ?? 1, s.stride ?? 1], pads: [s.pad ?? 0, s.pad ?? 0, s.pad ?? 0, s.pad ?? 0], dilations: [1, 1], group: 1 };
        const fanIn = cin * s.kernel * s.kernel;
        const weights = r.normals(s.out * fanIn, Math.sqrt(2 / fanIn));
        const bias = s.bias === false ? new Float32Array(s.out) : r.normals(s.out, 0.1);
        const [ho, wo] = convOutputSize(spec);
        const rows = new Float64Array(s.out * ho * wo);
        for (let o = 0; o < s.out; o++) rows.fill(bias[o], o * ho * wo, (o + 1) * ho * wo);
        layers.push({ kind: 'linear', M: convMatrix(spec, weights), C: convMatrix(spec, new Float32Array(weights.length).fill(1)), b: rows, onnxOp: 'Conv' });
        current = b.op('Conv', [current, b.constant(float32Tensor([s.out, cin, s.kernel, s.kernel], weights), 'W'), b.constant(float32Tensor([s.out], bias), 'B')], {
          kernel_shape: attr.ints([s.kernel, s.kernel]), strides: attr.ints(spec.strides), pads: attr.ints(spec.pads),
        });
        shape = [s.out, ho, wo];
        break;
      }
      case 'dense': {
        const weights = r.normals(s.out * size, Math.sqrt(2 / size));
        const bias = s.bias === false ? new Float32Array(s.out) : r.normals(s.out, 0.1);
        layers.push({ kind: 'linear', M: denseMatrix(weights, s.out, size), C: denseMatrix(new Float32Array(weights.length).fill(1), s.out, size), b: Float64Array.from(bias), onnxOp: 'Gemm' });
        current = b.op('Gemm', [current, b.constant(float32Tensor([s.out, size], weights), 'W'), b.constant(float32Tensor([s.out], bias), 'B')], { transB: attr.int(1) });
        shape = [s.out];
        break;
      }
      case 'relu':
        layers.push({ kind: 'relu' });
        current = b.op('Relu', [current]);
        break;
      case 'maxpool': {
        const [c] = shape;
        const { out, windows } = poolWindows(shape, s.kernel, s.stride, s.pad);
        layers.push({ kind: 'maxpool', windows });
        current = b.op('MaxPool', [current], { kernel_shape: attr.ints([s.kernel, s.kernel]), strides: attr.ints([s.stride, s.stride]), pads: attr.ints([s.pad, s.pad, s.pad, s.pad]) });
        shape = [c, out[0], out[1]];
        break;
      }
      case 'avgpool': {
        const [c] = shape;
        const { out, windows } = poolWindows(shape, s.kernel, s.stride, s.pad);
        const rows = windows.length;
        const P = new Float64Array(rows * size);
        windows.forEach((members, row) => {
          const divisor = s.includePad ? s.kernel * s.kernel : members.length;
          for (const m of members) P[row * size + m] = 1 / divisor;
        });
        layers.push({ kind: 'avg', P: { rows, cols: size, m: P } });
        current = b.op('AveragePool', [current], {
          kernel_shape: attr.ints([s.kernel, s.kernel]), strides: attr.ints([s.stride, s.stride]), pads: attr.ints([s.pad, s.pad, s.pad, s.pad]), count_include_pad: attr.int(s.includePad ? 1 : 0),
        });
        shape = [c, out[0], out[1]];
        break;
      }
      case 'gap': {
        const [c, h, w] = shape;
        const P = new Float64Array(c * size);
        for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) P[ch * size + ch * h * w + i] = 1 / (h * w);
        layers.push({ kind: 'avg', P: { rows: c, cols: size, m: P } });
        current = b.op('GlobalAveragePool', [current]);
        shape = [c, 1, 1];
        break;
      }
      case 'flatten':
        layers.push({ kind: 'reshape' });
        current = b.op('Flatten', [current], { axis: attr.int(1) });
        shape = [size];
        break;
    }
  }
  b.node('Identity', [current], {}, ['output']);
  const classes = shape[0];
  const model: Model = {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'test',
    producerVersion: '',
    metadata: {},
    graph: {
      name: 'net',
      inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', ...inputShape] }],
      outputs: [{ name: 'output', dtype: 'float32', shape: ['batch', classes] }],
      initializers: b.initializers,
      nodes: b.nodes,
    },
  };
  return { model, inputDims: inputShape, classes, layers };
}

/** Flat input indices of each pooling window (in bounds only), in output order, and the output size. */
function poolWindows(shape: readonly number[], kernel: number, stride: number, pad: number): { out: number[]; windows: number[][] } {
  const [c, h, w] = shape;
  const out = [h, w].map((size) => Math.floor((size + 2 * pad - kernel) / stride) + 1);
  const windows: number[][] = [];
  for (let ch = 0; ch < c; ch++) for (let oy = 0; oy < out[0]; oy++) for (let ox = 0; ox < out[1]; ox++) {
    const members: number[] = [];
    for (let ky = 0; ky < kernel; ky++) for (let kx = 0; kx < kernel; kx++) {
      const iy = oy * stride - pad + ky;
      const ix = ox * stride - pad + kx;
      if (iy >= 0 && iy < h && ix >= 0 && ix < w) members.push((ch * h + iy) * w + ix);
    }
    windows.push(members);
  }
  return { out, windows };
}

function matVec(M: DenseMatrix, x: ArrayLike<number>, b?: Float64Array): Float64Array {
  const out = new Float64Array(M.rows);
  for (let k = 0; k < M.rows; k++) {
    let s = b ? b[k] : 0;
    for (let j = 0; j < M.cols; j++) s += M.m[k * M.cols + j] * x[j];
    out[k] = s;
  }
  return out;
}

function matTVec(M: DenseMatrix, g: ArrayLike<number>): Float64Array {
  const out = new Float64Array(M.cols);
  for (let k = 0; k < M.rows; k++) for (let j = 0; j < M.cols; j++) out[j] += M.m[k * M.cols + j] * g[k];
  return out;
}

/** Float64 forward pass of one sample; returns every layer's input and the logits. */
export function referenceForward(net: Network, x: ArrayLike<number>): { inputs: Float64Array[]; logits: Float64Array } {
  const inputs: Float64Array[] = [];
  let a: Float64Array = Float64Array.from(x as ArrayLike<number>);
  for (const l of net.layers) {
    inputs.push(a);
    if (l.kind === 'linear') a = matVec(l.M, a, l.b);
    else if (l.kind === 'relu') a = a.map((v) => (v > 0 ? v : 0));
    else if (l.kind === 'maxpool') a = Float64Array.from(l.windows, (w) => Math.max(...w.map((i) => inputs[inputs.length - 1][i])));
    else if (l.kind === 'avg') a = matVec(l.P, a);
  }
  return { inputs, logits: a };
}

/**
 * Float64 backward pass of one sample from `seed` at the logits: mode `gradient` gives ∂(seed·logits)/∂x;
 * mode `lrp` applies `ruleOf(layerIndex)` to linear layers (referenceRule), pass to ReLU, winner-take-all to
 * MaxPool and the norm rule (ε) to average pools.
 */
export function referenceBackward(
  net: Network,
  x: ArrayLike<number>,
  seed: Float64Array,
  mode: 'gradient' | 'lrp',
  ruleOf: (i: number) => { rule: string; params: Record<string, number | undefined> } = () => ({ rule: 'epsilon', params: { epsilon: 1e-6 } }),
  normEpsilon = 1e-6,
  /** zbox bounds of the first linear layer's input, one value per input element. */
  firstLayerBounds?: { low: Float64Array; high: Float64Array },
): Float64Array {
  const { inputs } = referenceForward(net, x);
  let r: Float64Array = Float64Array.from(seed);
  let linearIndex = net.layers.filter((l) => l.kind === 'linear').length;
  for (let i = net.layers.length - 1; i >= 0; i--) {
    const l = net.layers[i];
    const xin = inputs[i];
    if (l.kind === 'linear') {
      linearIndex--;
      if (mode === 'gradient') r = matTVec(l.M, r);
      else {
        const { rule, params } = ruleOf(linearIndex);
        r = referenceRule(rule, params as Record<string, number>, { M: l.M, C: l.C, b: l.b, x: xin, R: r, ...(linearIndex === 0 ? firstLayerBounds : {}) });
      }
    } else if (l.kind === 'relu') {
      if (mode === 'gradient') r = r.map((v, j) => (xin[j] > 0 ? v : 0));
    } else if (l.kind === 'maxpool') {
      const out = new Float64Array(xin.length);
      l.windows.forEach((w, k) => {
        let best = w[0];
        for (const m of w) if (xin[m] > xin[best]) best = m;
        out[best] += r[k];
      });
      r = out;
    } else if (l.kind === 'avg') {
      if (mode === 'gradient') r = matTVec(l.P, r);
      else {
        const z = matVec(l.P, xin);
        const g = matTVec(l.P, r.map((v, k) => v / stab(z[k], normEpsilon)));
        r = g.map((v, j) => v * xin[j]);
      }
    }
  }
  return r;
}
