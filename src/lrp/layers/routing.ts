/** Shape-only layers route relevance like the gradient: reshaped back, transposed back, split, cropped. */
import { fail } from '../../errors.js';
import { attrInt, attrInts, attrString, intValues } from '../../onnx/ir.js';
import { staticDims } from '../../onnx/shapes.js';
import { attr } from '../../onnx/builder.js';
import type { LayerHandler } from './types.js';
import { isConstant } from './types.js';

export const reshapeRelevance: LayerHandler = (ctx) => {
  const x = ctx.node.inputs[0];
  return [[x, ctx.b.op('Reshape', [ctx.relevance, ctx.b.op('Shape', [x])])]];
};

export const transposeRelevance: LayerHandler = (ctx) => {
  const x = ctx.node.inputs[0];
  const rank = ctx.shapes.get(x)!.length;
  const perm = attrInts(ctx.node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => (inverse[p] = i));
  return [[x, ctx.b.op('Transpose', [ctx.relevance], { perm: attr.ints(inverse) })]];
};

export const concatRelevance: LayerHandler = (ctx) => {
  const { node, b } = ctx;
  const rank = ctx.shapes.get(node.inputs[0])!.length;
  let axis = attrInt(node, 'axis', 0);
  if (axis < 0) axis += rank;
  const sizes = node.inputs.map((i) => staticDims([ctx.shapes.get(i)![axis]], `node ${node.name} (Concat) input ${i} along axis ${axis}`)[0]);
  const parts = b.node('Split', [ctx.relevance, b.ints(sizes)], { axis: attr.int(axis) }, node.inputs.length);
  return node.inputs.flatMap((input, i) => (isConstant(ctx, input) ? [] : [[input, parts[i]] as const]));
};

export const padRelevance: LayerHandler = (ctx) => {
  const { node, b } = ctx;
  if (attrString(node, 'mode', 'constant') !== 'constant') fail(`node ${node.name} (Pad): only mode=constant is supported`);
  const x = node.inputs[0];
  const shape = ctx.shapes.get(x)!;
  const padsTensor = ctx.initializers.get(node.inputs[1]);
  if (!padsTensor) fail(`node ${node.name} (Pad): pads must be constant`);
  const pads = intValues(padsTensor);
  const axesTensor = node.inputs[3] ? ctx.initializers.get(node.inputs[3]) : undefined;
  const axes = axesTensor ? intValues(axesTensor).map((a) => (a < 0 ? a + shape.length : a)) : shape.map((_, i) => i);
  if (pads.some((p) => p < 0)) fail(`node ${node.name} (Pad): negative pads are not supported`);
  const cropped = axes.filter((_, i) => pads[i] !== 0 || pads[i + axes.length] !== 0);
  if (cropped.length === 0) return [[x, ctx.relevance]];
  const starts = cropped.map((a) => pads[axes.indexOf(a)]);
  const ends = cropped.map((a, i) => starts[i] + staticDims([shape[a]], `node ${node.name} (Pad) input axis ${a}`)[0]);
  return [[x, b.op('Slice', [ctx.relevance, b.ints(starts), b.ints(ends), b.ints(cropped)])]];
};
