import type { Graph } from '../../onnx/ir.js';

/** A canonizer is a pure graph rewrite that keeps the model's function (up to float rounding). */
export type Canonizer = (graph: Graph) => Graph;

/** Replaces every use of tensor `from` by `to` (node inputs and graph outputs). */
export function renameUses(graph: Graph, from: string, to: string): Graph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => (n.inputs.includes(from) ? { ...n, inputs: n.inputs.map((i) => (i === from ? to : i)) } : n)),
    outputs: graph.outputs.map((o) => (o.name === from ? { ...o, name: to } : o)),
  };
}

/** Nodes that read each tensor. */
export function consumers(graph: Graph): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of graph.nodes) for (const i of n.inputs) if (i) counts.set(i, (counts.get(i) ?? 0) + 1);
  for (const o of graph.outputs) counts.set(o.name, (counts.get(o.name) ?? 0) + 1);
  return counts;
}
