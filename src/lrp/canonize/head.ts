/**
 * The output head: a trailing Softmax / LogSoftmax / Sigmoid is not propagated through; relevance is seeded
 * at its input, the logits. The head node stays in the forward graph so callers still get probabilities.
 */
import { fail } from '../../errors.js';
import type { Graph, Node } from '../../onnx/ir.js';

export type HeadKind = 'softmax' | 'logsoftmax' | 'sigmoid' | 'none';

export interface Head {
  readonly kind: HeadKind;
  /** The tensor relevance is seeded at. */
  readonly logits: string;
  /** The model's own output (probabilities when there is a head). */
  readonly output: string;
  readonly node: Node | null;
}

const HEADS: Record<string, HeadKind> = { Softmax: 'softmax', LogSoftmax: 'logsoftmax', Sigmoid: 'sigmoid' };

export function findHead(graph: Graph, outputName?: string): Head {
  const output = outputName ?? graph.outputs[0]?.name;
  if (!output || !graph.outputs.some((o) => o.name === output)) {
    fail(`model has no output ${outputName ?? ''}; outputs are: ${graph.outputs.map((o) => o.name).join(', ')}`);
  }
  const node = graph.nodes.find((n) => n.outputs.includes(output));
  if (!node) fail(`model output ${output} is not computed by any node`);
  const kind = HEADS[node.opType];
  if (!kind) return { kind: 'none', logits: output, output, node: null };
  return { kind, logits: node.inputs[0], output, node };
}
