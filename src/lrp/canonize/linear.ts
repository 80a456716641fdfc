/**
 * One form per linear layer, so every rule sees `z = x·Wᵀ + b` (dense, W as [out, in]) or a Conv with an
 * explicit bias: Gemm's alpha/beta/transposes are folded into W and b, MatMul followed by a constant Add
 * (TensorFlow/scikit-learn exports) becomes a Gemm, and a missing bias becomes explicit zeros.
 */
import { fail } from '../../errors.js';
import type { Graph, Node, Tensor } from '../../onnx/ir.js';
import { attrFloat, attrInt, elementCount, float32Tensor, floatValues } from '../../onnx/ir.js';
import { inferShapes } from '../../onnx/shapes.js';
import type { Canonizer } from './types.js';
import { consumers, renameUses } from './types.js';

export const normalizeLinearLayers: Canonizer = (graph: Graph): Graph => {
  const shapes = inferShapes(graph);
  const initializers = new Map(graph.initializers);
  const uses = consumers(graph);
  const removed = new Set<Node>();
  const renames: [string, string][] = [];
  const nodes: Node[] = [];
  const weightOf = (node: Node, index: number): Tensor => {
    const t = initializers.get(node.inputs[index]);
    if (!t) fail(`node ${node.name} (${node.opType}): input ${index} must be a constant weight (computed weights are not supported)`);
    if (t.dtype !== 'float32') fail(`node ${node.name} (${node.opType}): weights are ${t.dtype}; only float32 models are supported`);
    return t;
  };
  const addInit = (base: string, t: Tensor): string => {
    let name = base;
    for (let i = 1; initializers.has(name); i++) name = `${base}_${i}`;
    initializers.set(name, t);
    return name;
  };
  for (const node of graph.nodes) {
    if (removed.has(node)) continue;
    if (node.opType === 'Gemm') {
      const w = weightOf(node, 1);
      const out = attrInt(node, 'transB', 0) ? w.dims[0] : w.dims[1];
      const weight = scaleTranspose(w, attrInt(node, 'transB', 0) === 0, attrFloat(node, 'alpha', 1));
      const bias = denseBias(node.inputs[2] ? weightOf(node, 2) : undefined, out, attrFloat(node, 'beta', 1), node);
      let x = node.inputs[0];
      if (attrInt(node, 'transA', 0)) {
        const t = `${node.name}/transA`;
        nodes.push({ name: t, opType: 'Transpose', domain: '', inputs: [x], outputs: [t], attributes: { perm: { kind: 'ints', value: [1, 0] } } });
        x = t;
      }
      nodes.push(gemmNode(node.name, x, addInit(`${node.name}.weight`, weight), addInit(`${node.name}.bias`, bias), node.outputs[0]));
      continue;
    }
    if (node.opType === 'MatMul' && shapes.get(node.inputs[0])?.length === 2) {
      const w = weightOf(node, 1);
      const weight = scaleTranspose(w, true, 1);
      // A following Add of a constant vector is this layer's bias.
      const add = graph.nodes.find((n) => n.opType === 'Add' && n.inputs.includes(node.outputs[0]));
      const biasInput = add?.inputs.find((i) => i !== node.outputs[0]);
      const biasTensor = biasInput ? initializers.get(biasInput) : undefined;
      const fuse = add && biasTensor && uses.get(node.outputs[0]) === 1 && elementCount(biasTensor.dims) === w.dims[1];
      const bias = fuse ? floatValues(biasTensor) : new Float32Array(w.dims[1]);
      if (fuse) {
        removed.add(add);
        renames.push([add.outputs[0], node.outputs[0]]);
      }
      nodes.push(gemmNode(node.name, node.inputs[0], addInit(`${node.name}.weight`, weight), addInit(`${node.name}.bias`, float32Tensor([w.dims[1]], bias)), node.outputs[0]));
      continue;
    }
    if (node.opType === 'Conv') {
      const w = weightOf(node, 1);
      if (!node.inputs[2]) {
        nodes.push({ ...node, inputs: [node.inputs[0], node.inputs[1], addInit(`${node.name}.bias`, float32Tensor([w.dims[0]], new Float32Array(w.dims[0])))] });
        continue;
      }
      weightOf(node, 2);
    }
    nodes.push(node);
  }
  let g: Graph = { ...graph, nodes, initializers };
  for (const [from, to] of renames) g = renameUses(g, from, to);
  return g;
};

function gemmNode(name: string, x: string, weight: string, bias: string, output: string): Node {
  return { name, opType: 'Gemm', domain: '', inputs: [x, weight, bias], outputs: [output], attributes: { transB: { kind: 'int', value: 1 } } };
}

/** Returns alpha·W as [out, in]; `transpose` when W is stored [in, out]. */
function scaleTranspose(w: Tensor, transpose: boolean, alpha: number): Tensor {
  const [rows, cols] = w.dims;
  const src = floatValues(w);
  const out = new Float32Array(rows * cols);
  if (transpose) {
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = alpha * src[r * cols + c];
    return float32Tensor([cols, rows], out);
  }
  for (let i = 0; i < out.length; i++) out[i] = alpha * src[i];
  return float32Tensor([rows, cols], out);
}

function denseBias(c: Tensor | undefined, out: number, beta: number, node: Node): Tensor {
  const bias = new Float32Array(out);
  if (c) {
    const values = floatValues(c);
    const count = elementCount(c.dims);
    if (count !== 1 && count !== out) fail(`node ${node.name} (Gemm): bias of shape [${c.dims.join(',')}] is not per output`);
    for (let i = 0; i < out; i++) bias[i] = beta * values[count === 1 ? 0 : i];
  }
  return float32Tensor([out], bias);
}
