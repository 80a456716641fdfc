/** Constant nodes become initializers, so rules see weights, shapes and pads as data. */
import { fail } from '../../errors.js';
import type { Graph, Tensor } from '../../onnx/ir.js';
import { float32Tensor, int64Tensor } from '../../onnx/ir.js';
import type { Canonizer } from './types.js';

export const constantsToInitializers: Canonizer = (graph: Graph): Graph => {
  const initializers = new Map(graph.initializers);
  const nodes = graph.nodes.filter((n) => {
    if (n.opType !== 'Constant') return true;
    initializers.set(n.outputs[0], constantValue(n.attributes, n.name));
    return false;
  });
  return { ...graph, nodes, initializers };
};

function constantValue(attributes: Graph['nodes'][number]['attributes'], name: string): Tensor {
  const a = attributes.value ?? attributes.value_float ?? attributes.value_floats ?? attributes.value_int ?? attributes.value_ints;
  switch (a?.kind) {
    case 'tensor': return a.value;
    case 'float': return float32Tensor([], [a.value]);
    case 'floats': return float32Tensor([a.value.length], a.value);
    case 'int': return int64Tensor([], [a.value]);
    case 'ints': return int64Tensor([a.value.length], a.value);
    default: fail(`node ${name} (Constant): unsupported value attribute`);
  }
}
