/** Identity and inference-mode Dropout compute nothing: their consumers read the input directly. */
import type { Graph } from '../../onnx/ir.js';
import { intValues } from '../../onnx/ir.js';
import type { Canonizer } from './types.js';
import { renameUses } from './types.js';

export const removeIdentities: Canonizer = (graph: Graph): Graph => {
  let g = graph;
  for (const node of graph.nodes) {
    if (!isNoOp(node, g)) continue;
    const input = node.inputs[0];
    const output = node.outputs[0];
    g = { ...g, nodes: g.nodes.filter((n) => n !== node) };
    const isGraphOutput = g.outputs.some((o) => o.name === output);
    g = renameUses(g, output, input);
    // Keep the graph output's declared name when it was produced by the removed node.
    if (isGraphOutput) g = { ...g, outputs: g.outputs.map((o) => (o.name === input ? { ...o, name: input } : o)) };
  }
  return g;
};

function isNoOp(node: Graph['nodes'][number], g: Graph): boolean {
  if (node.opType === 'Identity' || node.opType === 'Dropout') return true;
  if (node.opType === 'Pad') {
    const pads = g.initializers.get(node.inputs[1] ?? '');
    const values = pads ? intValues(pads) : [];
    return values.length > 0 && values.every((v) => v === 0);
  }
  return false;
}
