/**
 * Whole networks (conv, max/avg pooling with padding and overlap, GAP, dense) through the compiled explainer
 * against the float64 reference of test/helpers/network.ts, and the invariants of lrp-spec.md.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compileExplainer } from '../../src/lrp/compile/compile.js';
import type { SeedKind } from '../../src/lrp/compile/compile.js';
import { builtinComposite } from '../../src/lrp/composites/builtin.js';
import type { Composite } from '../../src/lrp/composites/types.js';
import { compositeFromObject } from '../../src/lrp/composites/yaml.js';
import type { Explainer, Explanation } from '../../src/lrp/explainer.js';
import { createExplainer } from '../../src/lrp/explainer.js';
import type { LayerSpec, Network } from '../helpers/network.js';
import { buildNetwork, referenceBackward, referenceForward } from '../helpers/network.js';
import { rng } from '../helpers/random.js';
import { relativeErrors } from '../helpers/reference.js';
import { attr, createBuilder } from '../../src/onnx/builder.js';
import { float32Tensor } from '../../src/onnx/ir.js';
import type { Model } from '../../src/onnx/ir.js';

const CNN: LayerSpec[] = [
  { kind: 'conv', out: 6, kernel: 3, pad: 1 }, { kind: 'relu' }, { kind: 'maxpool', kernel: 3, stride: 2, pad: 1 },
  { kind: 'conv', out: 8, kernel: 3, pad: 1 }, { kind: 'relu' }, { kind: 'avgpool', kernel: 3, stride: 2, pad: 1, includePad: false },
  { kind: 'flatten' }, { kind: 'dense', out: 16 }, { kind: 'relu' }, { kind: 'dense', out: 4 },
];
const CNN_GAP: LayerSpec[] = [
  { kind: 'conv', out: 5, kernel: 5, stride: 2, pad: 2 }, { kind: 'relu' }, { kind: 'conv', out: 7, kernel: 3, stride: 2, pad: 0 }, { kind: 'relu' },
  { kind: 'avgpool', kernel: 2, stride: 1, pad: 1, includePad: true }, { kind: 'gap' }, { kind: 'flatten' }, { kind: 'dense', out: 3 },
];
const MLP: LayerSpec[] = [{ kind: 'dense', out: 16 }, { kind: 'relu' }, { kind: 'dense', out: 8 }, { kind: 'relu' }, { kind: 'dense', out: 3 }];
const withoutBias = (specs: LayerSpec[]): LayerSpec[] => specs.map((s) => (s.kind === 'conv' || s.kind === 'dense' ? { ...s, bias: false } : s));

const explainers: Explainer[] = [];
afterAll(async () => {
  for (const e of explainers) await e.close();
});

const BATCH = 3;

async function explain(net: Network, composite: Composite, x: Float32Array, seed: SeedKind = 'one-hot'): Promise<Explanation> {
  const explainer = await createExplainer(compileExplainer(net.model, { composite, seed }));
  explainers.push(explainer);
  return explainer.explain({ data: x, dims: [BATCH, ...net.inputDims] });
}

function inputs(net: Network, seed: number, lo = -1, hi = 1): Float32Array {
  return rng(seed).uniforms(BATCH * net.inputDims.reduce((a, c) => a * c, 1), lo, hi);
}

function oneHot(classes: number, t: number): Float64Array {
  const s = new Float64Array(classes);
  s[t] = 1;
  return s;
}

type RuleOf = (i: number, count: number, isConv: boolean) => { rule: string; params: Record<string, number | undefined> };
const eps: ReturnType<RuleOf> = { rule: 'epsilon', params: { epsilon: 1e-6 } };
const RULE_TABLES: Record<string, { composite: Composite; ruleOf: RuleOf; lo?: number; hi?: number }> = {
  'epsilon-plus-flat': { composite: builtinComposite('epsilon-plus-flat'), ruleOf: (i, _, conv) => (i === 0 ? { rule: 'flat', params: {} } : conv ? { rule: 'zplus', params: {} } : eps) },
  'epsilon-plus': { composite: builtinComposite('epsilon-plus'), ruleOf: (_, __, conv) => (conv ? { rule: 'zplus', params: {} } : eps) },
  'epsilon-alpha2-beta1': { composite: builtinComposite('epsilon-alpha2-beta1'), ruleOf: (_, __, conv) => (conv ? { rule: 'alpha-beta', params: { alpha: 2, beta: 1 } } : eps) },
  'epsilon-alpha2-beta1-flat': { composite: builtinComposite('epsilon-alpha2-beta1-flat'), ruleOf: (i, _, conv) => (i === 0 ? { rule: 'flat', params: {} } : conv ? { rule: 'alpha-beta', params: { alpha: 2, beta: 1 } } : eps) },
  'epsilon-gamma-box': {
    composite: builtinComposite('epsilon-gamma-box', { low: -1, high: 1 }),
    ruleOf: (i, _, conv) => (i === 0 && conv ? { rule: 'zbox', params: {} } : conv ? { rule: 'gamma', params: { gamma: 0.25 } } : eps),
  },
  // Epsilon everywhere: every stabilizer after a Relu becomes relu(z) + ε (compile/vanishing.ts).
  'epsilon (every layer)': { composite: compositeFromObject({ rules: [{ match: {}, rule: 'epsilon' }] }, 'test'), ruleOf: () => eps },
  // A flat last layer sends relevance to inputs that are zero: the epsilon layer before it keeps stab(z).
  'custom YAML: epsilon, last layer flat': {
    composite: compositeFromObject({ rules: [{ match: { position: 'last' }, rule: 'flat' }, { match: {}, rule: 'epsilon' }] }, 'test'),
    ruleOf: (i, count) => (i === count - 1 ? { rule: 'flat', params: {} } : eps),
  },
  'custom YAML: last layer wsquare, dense gamma 0.5': {
    composite: compositeFromObject({ extends: 'epsilon-plus', rules: [{ match: { position: 'last' }, rule: 'wsquare' }, { match: { op: ['Gemm'] }, rule: 'gamma', gamma: 0.5 }] }, 'test'),
    ruleOf: (i, count, conv) => (i === count - 1 ? { rule: 'wsquare', params: {} } : conv ? { rule: 'zplus', params: {} } : { rule: 'gamma', params: { gamma: 0.5 } }),
  },
};

describe('whole networks against the float64 reference', () => {
  const nets = { cnn: buildNetwork([3, 12, 12], CNN, 11), 'cnn-gap': buildNetwork([2, 11, 9], CNN_GAP, 12), mlp: buildNetwork([10], MLP, 13) };
  for (const [netName, net] of Object.entries(nets)) {
    for (const [label, table] of Object.entries(RULE_TABLES)) {
      it(`${netName} with ${label}`, async () => {
        const x = inputs(net, 21);
        const result = await explain(net, table.composite, x);
        const per = x.length / BATCH;
        const linear = net.layers.filter((l) => l.kind === 'linear');
        for (let n = 0; n < BATCH; n++) {
          const xs = x.subarray(n * per, (n + 1) * per);
          const { logits } = referenceForward(net, xs);
          const target = logits.indexOf(Math.max(...logits));
          expect(result.targets[n]).toBe(target);
          const ruleOf = (i: number) => {
            const r = table.ruleOf(i, linear.length, (linear[i] as { onnxOp: string }).onnxOp === 'Conv');
            return r.rule === 'zbox' ? { rule: 'zbox', params: {} } : r;
          };
          const bounds = { low: new Float64Array(xs.length).fill(-1), high: new Float64Array(xs.length).fill(1) };
          const ref = referenceBackward(net, xs, oneHot(net.classes, target), 'lrp', ruleOf, 1e-6, bounds);
          const e = relativeErrors(result.relevance.subarray(n * per, (n + 1) * per), ref);
          expect(e.l2, `sample ${n}`).toBeLessThan(1e-4);
        }
      });
    }
  }
});

describe('stabilizer after a Relu (compile/vanishing.ts)', () => {
  /** For each forward Conv/Gemm followed by a Relu: how many nodes of the explainer read its output z. */
  const readersOfPreActivations = (composite: Composite) => {
    const graph = compileExplainer(buildNetwork([3, 12, 12], CNN, 11).model, { composite, seed: 'one-hot' }).model.graph;
    const readers = (t: string) => graph.nodes.filter((n) => n.inputs.includes(t)).length;
    return graph.nodes.filter((n) => n.opType === 'Relu' && graph.nodes.some((p) => (p.opType === 'Conv' || p.opType === 'Gemm') && p.outputs[0] === n.inputs[0])).map((n) => readers(n.inputs[0]));
  };

  it('epsilon everywhere: the Relu is the only reader of z (relu(z) + ε is the denominator)', () => {
    expect(readersOfPreActivations(compositeFromObject({ rules: [{ match: {}, rule: 'epsilon' }] }, 'test'))).toEqual([1, 1, 1]);
  });

  it('before a flat layer, whose relevance does not vanish with its input, z keeps its own stabilizer', () => {
    const lastFlat = compositeFromObject({ rules: [{ match: { position: 'last' }, rule: 'flat' }, { match: {}, rule: 'epsilon' }] }, 'test');
    expect(readersOfPreActivations(lastFlat)).toEqual([1, 1, 3]); // the Relu, and stab(z)'s comparison and Add
  });
});

describe('a residual block against a hand-written float64 reference', () => {
  // x → two dense branches z1, z2 → Add → Relu → dense → logits. With a large ε, each branch's epsilon rule
  // (R_z = z ⊙ q from the norm rule, divided by stab(z)) is far from its ε → 0 limit, also where z < 0.
  const [IN, HID, OUT] = [4, 3, 2];
  const r = rng(77);
  const W1 = r.normals(HID * IN), b1 = r.normals(HID), W2 = r.normals(HID * IN), b2 = r.normals(HID), W3 = r.normals(OUT * HID), b3 = r.normals(OUT);
  const b = createBuilder(['x'], 'm');
  const dense = (input: string, w: Float32Array, bias: Float32Array, rows: number, cols: number) =>
    b.op('Gemm', [input, b.constant(float32Tensor([rows, cols], w), 'w'), b.constant(float32Tensor([rows], bias), 'b')], { transB: attr.int(1) });
  const hidden = b.op('Relu', [b.op('Add', [dense('x', W1, b1, HID, IN), dense('x', W2, b2, HID, IN)])]);
  b.node('Gemm', [hidden, b.constant(float32Tensor([OUT, HID], W3), 'w'), b.constant(float32Tensor([OUT], b3), 'b')], { transB: attr.int(1) }, ['logits']);
  const model: Model = { irVersion: 8, opsetImports: [{ domain: '', version: 17 }], producerName: 't', producerVersion: '', metadata: {}, graph: { name: 'residual', inputs: [{ name: 'x', dtype: 'float32', shape: ['N', IN] }], outputs: [{ name: 'logits', dtype: 'float32', shape: ['N', OUT] }], initializers: b.initializers, nodes: b.nodes } };

  const stab = (v: number, e: number) => v + (v >= 0 ? e : -e);
  const affine = (w: Float32Array, bias: Float32Array, v: ArrayLike<number>, rows: number, cols: number) => Array.from({ length: rows }, (_, i) => bias[i] + Array.from({ length: cols }, (_, j) => w[i * cols + j] * v[j]).reduce((p, c) => p + c, 0));
  const transposed = (w: Float32Array, s: number[], rows: number, cols: number) => Array.from({ length: cols }, (_, j) => s.reduce((p, si, i) => p + w[i * cols + j] * si, 0));

  for (const epsilon of [0.5, 1e-6]) {
    it(`epsilon ${epsilon} everywhere, norm rule at the Add`, async () => {
      const composite = compositeFromObject({ rules: [{ match: {}, rule: 'epsilon', epsilon }] }, 'test');
      const x = rng(78).normals(BATCH * IN);
      const explainer = await createExplainer(compileExplainer(model, { composite, seed: 'one-hot' }));
      explainers.push(explainer);
      const result = await explainer.explain({ data: x, dims: [BATCH, IN] });
      for (let n = 0; n < BATCH; n++) {
        const xs = Array.from(x.subarray(n * IN, (n + 1) * IN));
        const z1 = affine(W1, b1, xs, HID, IN), z2 = affine(W2, b2, xs, HID, IN);
        const sum = z1.map((v, i) => v + z2[i]);
        const a = sum.map((v) => Math.max(0, v));
        const z3 = affine(W3, b3, a, OUT, HID);
        const s3 = z3.map((v, k) => (k === result.targets[n] ? 1 : 0) / stab(v, epsilon));
        const Ra = transposed(W3, s3, OUT, HID).map((g, i) => a[i] * g);
        const q = Ra.map((v, i) => v / stab(sum[i], composite.normEpsilon));
        const s1 = z1.map((v, i) => (v * q[i]) / stab(v, epsilon));
        const s2 = z2.map((v, i) => (v * q[i]) / stab(v, epsilon));
        const g1 = transposed(W1, s1, HID, IN), g2 = transposed(W2, s2, HID, IN);
        const expected = Float64Array.from(xs, (v, j) => v * (g1[j] + g2[j]));
        expect(relativeErrors(result.relevance.subarray(n * IN, (n + 1) * IN), expected).l2, `sample ${n}`).toBeLessThan(1e-5);
      }
    });
  }
});

describe('invariants', () => {
  it('LRP-0 equals gradient × input on ReLU networks (incl. max and average pooling)', async () => {
    for (const [specs, shape, seed] of [[CNN, [3, 12, 12], 31], [CNN_GAP, [2, 11, 9], 32], [MLP, [10], 33]] as const) {
      const net = buildNetwork(shape, specs, seed);
      const x = inputs(net, seed + 1);
      // With the logit seed (R_k = z_k·∂f/∂z_k at the output), LRP-0 carries R = a ⊙ ∂f/∂a through every layer.
      const result = await explain(net, compositeFromObject({ rules: [{ match: {}, rule: 'epsilon', epsilon: 0 }] }, 'lrp0'), x, 'logit');
      const per = x.length / BATCH;
      for (let n = 0; n < BATCH; n++) {
        const xs = x.subarray(n * per, (n + 1) * per);
        const gradient = referenceBackward(net, xs, oneHot(net.classes, result.targets[n]), 'gradient');
        const gradientTimesInput = gradient.map((g, j) => g * xs[j]);
        expect(relativeErrors(result.relevance.subarray(n * per, (n + 1) * per), gradientTimesInput).l2).toBeLessThan(1e-4);
      }
    }
  });

  it('zplus keeps relevance non-negative for non-negative inputs and incoming relevance', async () => {
    for (const [specs, shape, seed] of [[CNN, [3, 12, 12], 41], [CNN_GAP, [2, 11, 9], 42], [MLP, [10], 43]] as const) {
      const net = buildNetwork(shape, specs, seed);
      const result = await explain(net, compositeFromObject({ rules: [{ match: {}, rule: 'zplus' }] }, 'zplus'), inputs(net, seed, 0, 1));
      const min = result.relevance.reduce((a, v) => Math.min(a, v), Infinity);
      expect(min).toBeGreaterThanOrEqual(0);
      expect(result.relevance.some((v) => v > 0)).toBe(true);
    }
  });

  it('conserves relevance on bias-free networks (one-hot and logit seeds)', async () => {
    for (const [specs, shape, seed] of [[CNN, [3, 12, 12], 51], [CNN_GAP, [2, 11, 9], 58], [MLP, [10], 54]] as const) {
      const net = buildNetwork(shape, withoutBias([...specs]), seed);
      const x = inputs(net, seed);
      // Stabilizers of 1e-9 so that what remains is float rounding, not what ε absorbs.
      const tiny = { epsilon: 1e-9, stabilizer: 1e-9 };
      for (const composite of [builtinComposite('epsilon', { epsilon: 1e-9 }), builtinComposite('epsilon-plus-flat', tiny), builtinComposite('epsilon-alpha2-beta1', tiny)]) {
        for (const seedKind of ['one-hot', 'logit'] as const) {
          const result = await explain(net, composite, x, seedKind);
          result.conservation.forEach((c, n) => {
            const logit = result.logits[n * net.classes + result.targets[n]];
            expect(Math.abs(logit), `a dead network would conserve nothing: ${shape} ${Array.from(result.logits).join(' ')}`).toBeGreaterThan(1e-3);
            expect(c.seed).toBe(seedKind === 'one-hot' ? 1 : logit);
            expect(Math.abs(c.residual), `${composite.name} ${seedKind} sample ${n}`).toBeLessThan(1e-4 * Math.abs(c.seed));
          });
        }
      }
    }
  });

  it('the logit seed scales the one-hot map by the target logit', async () => {
    const net = buildNetwork([3, 12, 12], CNN, 61);
    const x = inputs(net, 62);
    const composite = builtinComposite('epsilon-plus-flat');
    const oneHotResult = await explain(net, composite, x, 'one-hot');
    const logitResult = await explain(net, composite, x, 'logit');
    const per = x.length / BATCH;
    for (let n = 0; n < BATCH; n++) {
      const logit = logitResult.logits[n * net.classes + logitResult.targets[n]];
      expect(logitResult.conservation[n].seed).toBeCloseTo(logit, 6);
      const scaled = oneHotResult.relevance.subarray(n * per, (n + 1) * per).map((v) => v * logit);
      expect(relativeErrors(logitResult.relevance.subarray(n * per, (n + 1) * per), scaled).l2).toBeLessThan(1e-5);
    }
  });
});
