/**
 * Where relevance provably vanishes with the activation. Most relevance a tensor t receives has the form
 * t ⊙ (…): every rule whose terms multiply the layer input (epsilon, zplus, alpha-beta, gamma), the norm rule,
 * and whatever is routed back to t by shape ops, max-pooling (the winner's value is the pooled value) or
 * activations that map 0 to 0. Such a tensor receives zero relevance wherever it is zero.
 *
 * The compiler uses this at the output z of a layer read only by a Relu a = relu(z): if the relevance at a
 * vanishes where a = 0, the relevance at z is zero wherever z ≤ 0, so zennit's stab(z) = z + ε·s(z) can be
 * replaced by a + ε. Both are equal wherever the relevance they divide is non-zero (exact), the new one is one
 * Add instead of a comparison, a select and an Add, and z need not be kept: onnxruntime fuses the layer with
 * its Relu.
 */
import type { Graph, Node } from '../../onnx/ir.js';
import { attrFloat, floatValues } from '../../onnx/ir.js';
import type { LinearRule } from '../rules/index.js';

/** Layers whose relevance at the input is x ⊙ (…) whatever arrives at their output. */
const PROPORTIONAL = new Set(['Add', 'AveragePool', 'GlobalAveragePool']);
/** Layers that route relevance position by position, an input at 0 giving an output at 0. */
const ZERO_PRESERVING = new Set(['Relu', 'LeakyRelu', 'Tanh', 'MaxPool', 'Flatten', 'Reshape', 'Squeeze', 'Unsqueeze', 'Transpose', 'Concat', 'Pad']);

/** A linear rule sends x ⊙ (…) back when every term multiplies the input (not flat, wsquare, zbox). */
export function ruleMultipliesInput(rule: LinearRule): boolean {
  return rule.passes.every((p) => p.terms.every((t) => t.input === 'x' || t.input === 'x+' || t.input === 'x-'));
}

/**
 * The computed tensors that receive zero relevance wherever they are zero. `seedVanishes`: the seed at the
 * logits is zero where the logits are (the logit seed, not one-hot); `multipliesInput`: the rule of a linear
 * node does. Nodes are in topological order, so walking them backwards sees every consumer before its input.
 */
export function vanishingTensors(graph: Graph, logits: string, seedVanishes: boolean, multipliesInput: (node: Node) => boolean): Set<string> {
  const vanishes = new Map<string, boolean>([[logits, seedVanishes]]);
  const holds = (tensor: string) => vanishes.get(tensor) ?? true; // no relevance arrives: nothing to break it
  // Relevance starts at the logits: nodes after them (a softmax head) send none.
  const start = graph.nodes.findIndex((n) => n.outputs.includes(logits));
  for (let i = start; i >= 0; i--) {
    const node = graph.nodes[i];
    let sent: boolean;
    if (node.opType === 'Gemm' || node.opType === 'MatMul' || node.opType === 'Conv') sent = multipliesInput(node);
    else if (PROPORTIONAL.has(node.opType)) sent = true;
    else if (ZERO_PRESERVING.has(node.opType)) sent = holds(node.outputs[0]);
    else if (node.opType === 'Clip') sent = holds(node.outputs[0]) && clipKeepsZero(graph, node);
    else sent = false;
    for (const input of node.inputs) if (input && !graph.initializers.has(input)) vanishes.set(input, holds(input) && sent);
  }
  return new Set([...vanishes].filter(([, v]) => v).map(([t]) => t));
}

/** Clip(0) = 0: min ≤ 0 ≤ max (bounds as constant inputs, attributes before opset 11, or absent). */
function clipKeepsZero(graph: Graph, node: Node): boolean {
  const bound = (index: number, name: string, fallback: number) => {
    const input = node.inputs[index];
    if (!input) return attrFloat(node, name, fallback);
    const t = graph.initializers.get(input);
    return t ? floatValues(t)[0] : NaN; // a computed bound: unknown
  };
  return bound(1, 'min', -Infinity) <= 0 && bound(2, 'max', Infinity) >= 0;
}

/**
 * The Relu output a = relu(z) that may stand in for z in a stabilizer: z is read by that Relu alone, is not a
 * graph output, and the relevance at a vanishes where a is zero. Undefined otherwise.
 */
export function positivePartOf(graph: Graph, consumers: ReadonlyMap<string, readonly Node[]>, vanishing: ReadonlySet<string>, z: string): string | undefined {
  const readers = consumers.get(z) ?? [];
  if (readers.length !== 1 || readers[0].opType !== 'Relu' || graph.outputs.some((o) => o.name === z)) return undefined;
  const a = readers[0].outputs[0];
  return vanishing.has(a) ? a : undefined;
}
