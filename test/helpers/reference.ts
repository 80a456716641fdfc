/**
 * Independent float64 references in matrix form: a Conv or Gemm written out as its dense matrix M (outputs ×
 * inputs), and each LRP rule written directly from lrp-spec.md over M. Nothing here shares code with the
 * compiler, so agreement is evidence, not an echo.
 */

export interface ConvSpec {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly size: readonly [number, number];
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
  readonly dilations: readonly [number, number];
  readonly group: number;
}

export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly m: Float64Array;
}

export function convOutputSize(s: ConvSpec): [number, number] {
  return [0, 1].map((d) => Math.floor((s.size[d] + s.pads[d] + s.pads[d + 2] - ((s.kernel[d] - 1) * s.dilations[d] + 1)) / s.strides[d]) + 1) as [number, number];
}

/** The conv as a dense matrix; `weights` [Cout, Cin/g, kh, kw] (pass all ones for connectivity). */
export function convMatrix(s: ConvSpec, weights: ArrayLike<number>): DenseMatrix {
  const [H, W] = s.size;
  const [Ho, Wo] = convOutputSize(s);
  const cinG = s.inChannels / s.group;
  const coutG = s.outChannels / s.group;
  const rows = s.outChannels * Ho * Wo;
  const cols = s.inChannels * H * W;
  const m = new Float64Array(rows * cols);
  for (let o = 0; o < s.outChannels; o++) {
    const g = Math.floor(o / coutG);
    for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) {
      const row = (o * Ho + oy) * Wo + ox;
      for (let ci = 0; ci < cinG; ci++) for (let ky = 0; ky < s.kernel[0]; ky++) for (let kx = 0; kx < s.kernel[1]; kx++) {
        const iy = oy * s.strides[0] - s.pads[0] + ky * s.dilations[0];
        const ix = ox * s.strides[1] - s.pads[1] + kx * s.dilations[1];
        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
        const c = g * cinG + ci;
        m[row * cols + (c * H + iy) * W + ix] += weights[((o * cinG + ci) * s.kernel[0] + ky) * s.kernel[1] + kx];
      }
    }
  }
  return { rows, cols, m };
}

/** A dense layer W [out, in] as a matrix. */
export function denseMatrix(weights: ArrayLike<number>, out: number, inp: number): DenseMatrix {
  return { rows: out, cols: inp, m: Float64Array.from(weights as ArrayLike<number>).slice(0, out * inp) };
}

export const stab = (z: number, e: number) => z + e * (z >= 0 ? 1 : -1);
const pos = (v: number) => (v > 0 ? v : 0);
const neg = (v: number) => (v < 0 ? v : 0);

export interface RuleReferenceInput {
  readonly M: DenseMatrix;
  /** Connectivity (1 where an input feeds an output), for flat. */
  readonly C: DenseMatrix;
  /** Bias per output row. */
  readonly b: Float64Array;
  readonly x: ArrayLike<number>;
  readonly R: ArrayLike<number>;
  readonly low?: ArrayLike<number>;
  readonly high?: ArrayLike<number>;
}

type Params = Record<string, number>;

/** R_in of one sample, straight from the formulas of lrp-spec.md. */
export function referenceRule(rule: string, p: Params, inp: RuleReferenceInput): Float64Array {
  const { M, C, b, x, R } = inp;
  const K = M.rows;
  const J = M.cols;
  const w = (k: number, j: number) => M.m[k * J + j];
  const out = new Float64Array(J);
  const eps = p.epsilon ?? p.stabilizer ?? 1e-6;
  const z = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let s = b[k];
    for (let j = 0; j < J; j++) s += w(k, j) * x[j];
    z[k] = s;
  }
  const distribute = (contribution: (k: number, j: number) => number, bias: (k: number) => number, weightOf: (k: number) => number) => {
    for (let k = 0; k < K; k++) {
      const factor = weightOf(k);
      if (factor === 0) continue;
      let denominator = bias(k);
      for (let j = 0; j < J; j++) denominator += contribution(k, j);
      const q = (factor * R[k]) / stab(denominator, eps);
      for (let j = 0; j < J; j++) out[j] += contribution(k, j) * q;
    }
  };
  switch (rule) {
    case 'epsilon':
      distribute((k, j) => x[j] * w(k, j), (k) => b[k], () => 1);
      break;
    case 'zplus':
      distribute((k, j) => pos(x[j]) * pos(w(k, j)) + neg(x[j]) * neg(w(k, j)), (k) => pos(b[k]), () => 1);
      break;
    case 'alpha-beta':
      distribute((k, j) => pos(x[j]) * pos(w(k, j)) + neg(x[j]) * neg(w(k, j)), (k) => pos(b[k]), () => p.alpha);
      distribute((k, j) => pos(x[j]) * neg(w(k, j)) + neg(x[j]) * pos(w(k, j)), (k) => neg(b[k]), () => -p.beta);
      break;
    case 'gamma': {
      const g = p.gamma;
      const up = (v: number) => v + g * pos(v);
      const down = (v: number) => v + g * neg(v);
      distribute((k, j) => pos(x[j]) * up(w(k, j)) + neg(x[j]) * down(w(k, j)), (k) => up(b[k]), (k) => (z[k] > 0 ? 1 : 0));
      distribute((k, j) => pos(x[j]) * down(w(k, j)) + neg(x[j]) * up(w(k, j)), (k) => down(b[k]), (k) => (z[k] < 0 ? 1 : 0));
      break;
    }
    case 'flat':
      distribute((k, j) => C.m[k * J + j], () => 0, () => 1);
      break;
    case 'wsquare':
      distribute((k, j) => w(k, j) * w(k, j), (k) => b[k] * b[k], () => 1);
      break;
    case 'zbox': {
      const l = inp.low!;
      const h = inp.high!;
      distribute((k, j) => x[j] * w(k, j) - l[j] * pos(w(k, j)) - h[j] * neg(w(k, j)), () => 0, () => 1);
      break;
    }
    default:
      throw new Error(`no reference for rule ${rule}`);
  }
  return out;
}

/** Compares float32 results against a float64 reference, scaled to the reference's magnitude. */
export function relativeErrors(ours: ArrayLike<number>, ref: ArrayLike<number>): { l2: number; max: number } {
  let num = 0;
  let den = 0;
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = ours[i] - ref[i];
    num += d * d;
    den += ref[i] * ref[i];
    maxDiff = Math.max(maxDiff, Math.abs(d));
    maxRef = Math.max(maxRef, Math.abs(ref[i]));
  }
  return { l2: den === 0 ? Math.sqrt(num) : Math.sqrt(num / den), max: maxRef === 0 ? maxDiff : maxDiff / maxRef };
}
