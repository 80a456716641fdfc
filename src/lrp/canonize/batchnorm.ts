/**
 * BatchNorm merge (zennit's SequentialMergeBatchNorm, exact like zennit 1.0): a BatchNormalization whose
 * input is produced only by a Conv or Gemm folds into it, s = γ/√(var+eps), W' = W·s per output channel,
 * b' = (b − mean)·s + β. Rules then see the merged layer; the BN disappears.
 */
import type { Graph, Node } from '../../onnx/ir.js';
import { attrFloat, elementCount, float32Tensor, floatValues } from '../../onnx/ir.js';
import type { Canonizer } from './types.js';
import { consumers } from './types.js';

export const foldBatchNorm: Canonizer = (graph: Graph): Graph => {
  const uses = consumers(graph);
  const initializers = new Map(graph.initializers);
  const producer = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const replaced = new Map<Node, Node>();
  const folded = new Set<Node>();
  for (const bn of graph.nodes) {
    if (bn.opType !== 'BatchNormalization') continue;
    const layer = producer.get(bn.inputs[0]);
    if (!layer || (layer.opType !== 'Conv' && layer.opType !== 'Gemm') || uses.get(bn.inputs[0]) !== 1) continue;
    const params = bn.inputs.slice(1, 5).map((name) => initializers.get(name));
    const weight = initializers.get(layer.inputs[1]);
    const bias = initializers.get(layer.inputs[2]);
    if (params.some((p) => !p) || !weight || !bias || replaced.has(layer)) continue;
    const [gamma, beta, mean, variance] = params.map((p) => floatValues(p!));
    const eps = attrFloat(bn, 'epsilon', 1e-5);
    const channels = weight.dims[0];
    const perChannel = elementCount(weight.dims) / channels;
    const w = floatValues(weight);
    const b = floatValues(bias);
    const newW = new Float32Array(w.length);
    const newB = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      // Folded in float64 and rounded once: closest to zennit's float64 reference.
      const s = gamma[c] / Math.sqrt(variance[c] + eps);
      for (let i = 0; i < perChannel; i++) newW[c * perChannel + i] = w[c * perChannel + i] * s;
      newB[c] = (b[c] - mean[c]) * s + beta[c];
    }
    const wName = `${layer.inputs[1]}/bn_merged`;
    const bName = `${layer.inputs[2]}/bn_merged`;
    initializers.set(wName, float32Tensor(weight.dims, newW));
    initializers.set(bName, float32Tensor([channels], newB));
    replaced.set(layer, { ...layer, inputs: [layer.inputs[0], wName, bName], outputs: [bn.outputs[0]] });
    folded.add(bn);
  }
  const nodes = graph.nodes.filter((n) => !folded.has(n)).map((n) => replaced.get(n) ?? n);
  return pruneInitializers({ ...graph, nodes, initializers });
};

/** Drops initializers no node reads any more (the pre-merge weights). */
export function pruneInitializers(graph: Graph): Graph {
  const used = new Set(graph.nodes.flatMap((n) => n.inputs));
  return { ...graph, initializers: new Map([...graph.initializers].filter(([name]) => used.has(name))) };
}

