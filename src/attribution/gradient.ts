/**
 * The plain gradient as a propagation scheme of the same compiler: linear layers send Wᵀg, activations
 * multiply by their derivative (torch's conventions at the kinks: ReLU′(0) = 0, Clip passes at the bounds),
 * pools and shape layers route like in LRP. Gradient × input multiplies the result by the input.
 */
import { attrFloat, floatValues } from '../onnx/ir.js';
import type { LayerContext, LayerHandler } from '../lrp/layers/index.js';
import { ROUTING_HANDLERS } from '../lrp/layers/index.js';
import { averagePoolTranspose, globalAveragePoolTranspose, unbroadcast } from '../lrp/layers/norm.js';
import { isConstant } from '../lrp/layers/types.js';

const input = (ctx: LayerContext) => ctx.node.inputs[0];
const zero = (ctx: LayerContext) => ctx.b.scalar(0);

const relu: LayerHandler = (ctx) => [[input(ctx), ctx.b.op('Where', [ctx.b.op('Greater', [input(ctx), zero(ctx)]), ctx.relevance, zero(ctx)])]];

const leakyRelu: LayerHandler = (ctx) => {
  const slope = attrFloat(ctx.node, 'alpha', 0.01);
  const scaled = ctx.b.op('Mul', [ctx.relevance, ctx.b.scalar(slope)]);
  return [[input(ctx), ctx.b.op('Where', [ctx.b.op('Greater', [input(ctx), zero(ctx)]), ctx.relevance, scaled])]];
};

const sigmoid: LayerHandler = (ctx) => {
  const y = ctx.node.outputs[0];
  const derivative = ctx.b.op('Mul', [y, ctx.b.op('Sub', [ctx.b.scalar(1), y])]);
  return [[input(ctx), ctx.b.op('Mul', [ctx.relevance, derivative])]];
};

const tanh: LayerHandler = (ctx) => {
  const y = ctx.node.outputs[0];
  const derivative = ctx.b.op('Sub', [ctx.b.scalar(1), ctx.b.op('Mul', [y, y])]);
  return [[input(ctx), ctx.b.op('Mul', [ctx.relevance, derivative])]];
};

const clip: LayerHandler = (ctx) => {
  const { b, node } = ctx;
  const bound = (index: number, attribute: string, fallback: number): string => {
    const t = node.inputs[index] ? ctx.initializers.get(node.inputs[index]) : undefined;
    return b.scalar(t ? floatValues(t)[0] : attrFloat(node, attribute, fallback));
  };
  const x = input(ctx);
  const inside = b.op('And', [b.op('GreaterOrEqual', [x, bound(1, 'min', -3.4e38)]), b.op('LessOrEqual', [x, bound(2, 'max', 3.4e38)])]);
  return [[x, b.op('Where', [inside, ctx.relevance, zero(ctx)])]];
};

/** An unmerged BatchNormalization: g · γ/√(var + ε) per channel. */
const batchNorm: LayerHandler = (ctx) => {
  const { node, b } = ctx;
  const [gamma, , , variance] = node.inputs.slice(1, 5).map((name) => floatValues(ctx.initializers.get(name)!));
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const rank = ctx.shapes.get(node.inputs[0])!.length;
  const scale = Float32Array.from(gamma, (g, c) => g / Math.sqrt(variance[c] + eps));
  const shaped = b.constant({ dtype: 'float32', dims: [scale.length, ...new Array<number>(Math.max(0, rank - 2)).fill(1)], data: scale }, `${node.name}/grad_scale`);
  return [[input(ctx), b.op('Mul', [ctx.relevance, shaped])]];
};

const add: LayerHandler = (ctx) => {
  const outShape = ctx.shapes.get(ctx.node.outputs[0])!;
  return ctx.node.inputs.filter((i) => !isConstant(ctx, i)).map((i) => [i, unbroadcast(ctx.b, ctx.relevance, outShape, ctx.shapes.get(i)!)] as const);
};

const averagePool: LayerHandler = (ctx) => [[input(ctx), averagePoolTranspose(ctx, ctx.relevance)]];

const globalAveragePool: LayerHandler = (ctx) => [[input(ctx), ctx.b.op('Expand', [globalAveragePoolTranspose(ctx, ctx.relevance), ctx.b.op('Shape', [input(ctx)])])]];

export const GRADIENT_HANDLERS: Readonly<Record<string, LayerHandler>> = {
  ...ROUTING_HANDLERS,
  Relu: relu,
  LeakyRelu: leakyRelu,
  Sigmoid: sigmoid,
  Tanh: tanh,
  Clip: clip,
  BatchNormalization: batchNorm,
  Add: add,
  AveragePool: averagePool,
  GlobalAveragePool: globalAveragePool,
};
