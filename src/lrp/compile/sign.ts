/**
 * Which tensors are provably non-negative (or non-positive). Where a layer's input is, the x⁻ (x⁺) terms of
 * zplus, alpha-beta and gamma vanish, and the compiler drops them: exact, and the main source of speed.
 */
import type { Graph } from '../../onnx/ir.js';
import { attrFloat, floatValues } from '../../onnx/ir.js';

export type Sign = 'nonneg' | 'nonpos' | 'any';

const SIGN_PRESERVING = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'Flatten', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout']);

export function tensorSigns(graph: Graph): Map<string, Sign> {
  const signs = new Map<string, Sign>();
  const of = (name: string): Sign => signs.get(name) ?? 'any';
  for (const node of graph.nodes) {
    let sign: Sign = 'any';
    const inputs = node.inputs.filter((i) => i && !graph.initializers.has(i)).map(of);
    if (node.opType === 'Relu' || node.opType === 'Sigmoid' || node.opType === 'Softmax') sign = 'nonneg';
    else if (node.opType === 'Clip') {
      const min = graph.initializers.get(node.inputs[1] ?? '');
      if (min ? floatValues(min)[0] >= 0 : attrFloat(node, 'min', -Infinity) >= 0) sign = 'nonneg';
    } else if (SIGN_PRESERVING.has(node.opType) || node.opType === 'Concat' || node.opType === 'Add') {
      if (inputs.length > 0 && inputs.every((s) => s === inputs[0])) sign = inputs[0];
      if (node.opType === 'Add' && node.inputs.some((i) => graph.initializers.has(i))) sign = 'any';
    } else if (node.opType === 'Pad') {
      const fill = graph.initializers.get(node.inputs[2] ?? '');
      const value = fill ? floatValues(fill)[0] : 0;
      if (inputs[0] === 'nonneg' && value >= 0) sign = 'nonneg';
    }
    for (const out of node.outputs) signs.set(out, sign);
  }
  return signs;
}
