/**
 * compile/vanishing.ts by hand: which tensors provably receive zero relevance where they are zero. Each graph
 * is x → Gemm → z → Relu → a → (ops under test) → Gemm → logits; the question is whether a qualifies.
 */
import { describe, expect, it } from 'vitest';
import type { Graph, Node, Tensor } from '../../src/onnx/ir.js';
import { float32Tensor } from '../../src/onnx/ir.js';
import { vanishingTensors } from '../../src/lrp/compile/vanishing.js';

const node = (opType: string, inputs: string[], output: string): Node => ({ name: `${opType}_${output}`, opType, domain: '', inputs, outputs: [output], attributes: {} });

function graph(middle: Node[], last = 'm'): Graph {
  const initializers = new Map<string, Tensor>([
    ['w', float32Tensor([2, 2], [1, 2, 3, 4])],
    ['lo', float32Tensor([], [0])],
    ['lo_pos', float32Tensor([], [0.5])],
    ['hi', float32Tensor([], [6])],
  ]);
  const nodes = [node('Gemm', ['x', 'w'], 'z'), node('Relu', ['z'], 'a'), ...middle, node('Gemm', [last, 'w'], 'logits')];
  return { name: 'g', inputs: [], outputs: [], initializers, nodes };
}

/** Every linear rule multiplies its input, except where named (a flat or zbox layer). */
const rules = (flat: string[] = []) => (n: Node) => !flat.includes(n.outputs[0]);
const vanishes = (g: Graph, flat: string[] = [], seed = true) => vanishingTensors(g, 'logits', seed, rules(flat));

describe('relevance that vanishes with the activation', () => {
  it('a Relu output read by an epsilon/zplus-like layer qualifies; one read by a flat layer does not', () => {
    expect(vanishes(graph([], 'a')).has('a')).toBe(true);
    expect(vanishes(graph([], 'a'), ['logits']).has('a')).toBe(false);
  });

  it('zero-preserving routing keeps it (reshape, Tanh, LeakyRelu, MaxPool, Pad, Clip around 0)', () => {
    for (const op of ['Flatten', 'Tanh', 'LeakyRelu', 'MaxPool', 'Transpose']) expect(vanishes(graph([node(op, ['a'], 'm')])).has('a'), op).toBe(true);
    expect(vanishes(graph([node('Pad', ['a', 'pads', 'fill'], 'm')])).has('a')).toBe(true);
    expect(vanishes(graph([node('Clip', ['a', 'lo', 'hi'], 'm')])).has('a')).toBe(true);
  });

  it('ops that move 0 elsewhere break it: Sigmoid, a Clip whose range excludes 0, a computed Clip bound, an unknown op', () => {
    expect(vanishes(graph([node('Sigmoid', ['a'], 'm')])).has('a')).toBe(false);
    expect(vanishes(graph([node('Clip', ['a', 'lo_pos', 'hi'], 'm')])).has('a')).toBe(false);
    expect(vanishes(graph([node('Neg', ['x'], 'b'), node('Clip', ['a', 'b', 'hi'], 'm')])).has('a')).toBe(false);
    expect(vanishes(graph([node('BatchNormalization', ['a'], 'm')])).has('a')).toBe(false);
  });

  it('every reader must send vanishing relevance: one flat reader among several breaks it', () => {
    const g = graph([node('Gemm', ['a', 'w'], 'p'), node('Gemm', ['a', 'w'], 'q'), node('Add', ['p', 'q'], 'm')]);
    expect(vanishes(g).has('a')).toBe(true);
    expect(vanishes(g, ['q']).has('a')).toBe(false);
  });

  it('the seed decides at the logits (the logit seed vanishes where the logits do, one-hot does not); a softmax head after them sends nothing', () => {
    const withHead: Graph = { ...graph([], 'a'), nodes: [...graph([], 'a').nodes, node('Softmax', ['logits'], 'probabilities')] };
    expect(vanishes(withHead, [], true).has('logits')).toBe(true);
    expect(vanishes(withHead, [], false).has('logits')).toBe(false);
    // Inside, the rules decide, whatever the seed.
    expect(vanishes(withHead, [], false).has('a')).toBe(true);
  });
});
