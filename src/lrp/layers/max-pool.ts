/**
 * MaxPool: winner-take-all, the plain gradient. Relevance goes to each window's arg-max via
 * ScatterElements(reduction=add) on MaxPool's flat Indices output: exact where windows overlap
 * (MaxUnpool would overwrite duplicates and lose relevance, see stack-notes.md).
 */
import { attrInt } from '../../onnx/ir.js';
import { fail } from '../../errors.js';
import { attr } from '../../onnx/builder.js';
import type { LayerHandler } from './types.js';

export const maxPoolRelevance: LayerHandler = (ctx) => {
  const { b, node } = ctx;
  if (!ctx.indices) throw new Error(`internal: MaxPool ${node.name} has no indices output`);
  if (attrInt(node, 'storage_order', 0) !== 0) fail(`node ${node.name} (MaxPool): storage_order=1 is not supported`);
  const x = node.inputs[0];
  const flat = b.ints([-1]);
  const xShape = b.op('Shape', [x]);
  const zeros = b.op('ConstantOfShape', [b.op('Reshape', [b.op('Size', [x]), b.ints([1])])], { value: { kind: 'tensor', value: { dtype: 'float32', dims: [1], data: new Float32Array([0]) } } });
  const scattered = b.op('ScatterElements', [zeros, b.op('Reshape', [ctx.indices, flat]), b.op('Reshape', [ctx.relevance, flat])], {
    axis: attr.int(0),
    reduction: attr.string('add'),
  });
  return [[x, b.op('Reshape', [scattered, xShape])]];
};
