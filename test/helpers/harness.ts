/** Runs one layer's relevance subgraph (as the compiler emits it) in onnxruntime, with x and R as inputs. */
import ort from 'onnxruntime-node';
import { attr, createBuilder } from '../../src/onnx/builder.js';
import type { Builder } from '../../src/onnx/builder.js';
import type { Attribute, Model, Node, Tensor, ValueInfo } from '../../src/onnx/ir.js';
import { float32Tensor } from '../../src/onnx/ir.js';
import { encodeModel } from '../../src/onnx/save.js';
import { inferShapes } from '../../src/onnx/shapes.js';
import { linearLayer } from '../../src/lrp/compile/linear-layer.js';
import { linearRelevance } from '../../src/lrp/compile/rule-engine.js';
import type { Sign } from '../../src/lrp/compile/sign.js';
import type { LinearRule } from '../../src/lrp/rules/types.js';
import type { LayerHandler } from '../../src/lrp/layers/types.js';

export async function runModel(model: Model, feeds: Record<string, { data: Float32Array | BigInt64Array; dims: readonly number[] }>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(encodeModel(model));
  try {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor(v.data instanceof BigInt64Array ? 'int64' : 'float32', v.data, v.dims)]));
    const out = await session.run(inputs);
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
  } finally {
    await session.release();
  }
}

export interface LayerCase {
  readonly opType: 'Conv' | 'Gemm';
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly attributes: Record<string, Attribute>;
  readonly xDims: readonly number[];
}

/** Model with inputs x, R and output relevance of x under `rule`. */
export function layerRuleModel(c: LayerCase, rule: LinearRule, inputSign: Sign): Model {
  const node: Node = { name: 'layer', opType: c.opType, domain: '', inputs: ['x', 'W', 'B'], outputs: ['z'], attributes: c.opType === 'Gemm' ? { transB: attr.int(1) } : c.attributes };
  const initializers = new Map<string, Tensor>([['W', c.weight], ['B', c.bias]]);
  const graph = { name: 'g', inputs: [{ name: 'x', dtype: 'float32' as const, shape: c.xDims }], outputs: [], initializers, nodes: [node] };
  const shapes = inferShapes(graph);
  const zShape = shapes.get('z')!;
  const b = createBuilder(['x', 'W', 'B', 'z', 'R']);
  for (const [k, v] of initializers) b.initializers.set(k, v);
  b.nodes.push(node);
  const out = linearRelevance(b, { layer: linearLayer(node, initializers, shapes), rule, x: 'x', weightName: 'W', z: 'z', relevance: 'R', inputSign });
  b.node('Identity', [out], {}, ['Rx']);
  return testModel('layer_rule', b, [{ name: 'x', dtype: 'float32', shape: c.xDims }, { name: 'R', dtype: 'float32', shape: zShape }], [{ name: 'Rx', dtype: 'float32', shape: c.xDims }]);
}

function testModel(name: string, b: Builder, inputs: ValueInfo[], outputs: ValueInfo[]): Model {
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 18 }],
    producerName: 'test',
    producerVersion: '',
    metadata: {},
    graph: { name, inputs, outputs, initializers: b.initializers, nodes: b.nodes },
  };
}

/** Model with inputs x (and y for Add), R and the relevance a non-linear layer handler sends to x. */
export function layerHandlerModel(node: Node, handler: LayerHandler, inputs: Record<string, readonly number[]>, initializers = new Map<string, Tensor>(), normEpsilon = 1e-6): Model {
  const graph = { name: 'g', inputs: Object.entries(inputs).map(([name, shape]) => ({ name, dtype: 'float32' as const, shape })), outputs: [], initializers, nodes: [node] };
  const shapes = inferShapes(graph);
  const b = createBuilder([...Object.keys(inputs), ...node.outputs, 'R']);
  for (const [k, v] of initializers) b.initializers.set(k, v);
  let indices: string | undefined;
  if (node.opType === 'MaxPool') {
    indices = b.fresh('indices');
    b.nodes.push({ ...node, outputs: [node.outputs[0], indices] });
  } else b.nodes.push(node);
  const sent = handler({ b, node, shapes, initializers, relevance: 'R', normEpsilon, indices });
  const outputs = sent.map(([input, r]) => {
    const name = `R_${input}`;
    b.node('Identity', [r], {}, [name]);
    return { name, dtype: 'float32' as const, shape: shapes.get(input)! };
  });
  return testModel('layer_handler', b, [...graph.inputs, { name: 'R', dtype: 'float32', shape: shapes.get(node.outputs[0])! }], outputs);
}

export { float32Tensor };
