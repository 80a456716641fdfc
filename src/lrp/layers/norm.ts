/**
 * The norm rule for parameter-free linear maps f (residual Add, AveragePool, GlobalAveragePool):
 * R_in = x ⊙ ∂f/∂xᵀ(R / stab(f(x))). For y = a + b this splits R in proportion, R_a = a·R/stab(y),
 * never copying R to both branches. An Add with a constant keeps only the computed operand's share.
 */
import { fail } from '../../errors.js';
import { attrInt, attrInts, float32Tensor } from '../../onnx/ir.js';
import type { Shape } from '../../onnx/shapes.js';
import { staticDims, windowGeometry } from '../../onnx/shapes.js';
import type { Builder } from '../../onnx/builder.js';
import { stabilized } from '../compile/stabilizer.js';
import { attr } from '../../onnx/builder.js';
import type { LayerContext, LayerHandler } from './types.js';
import { isConstant } from './types.js';

function ratio(ctx: LayerContext): string {
  return ctx.b.op('Div', [ctx.relevance, stabilized(ctx.b, ctx.node.outputs[0], ctx.normEpsilon, ctx.positivePart)]);
}

export const addRelevance: LayerHandler = (ctx) => {
  const s = ratio(ctx);
  const outShape = ctx.shapes.get(ctx.node.outputs[0])!;
  return ctx.node.inputs
    .filter((input) => !isConstant(ctx, input))
    .map((input) => [input, unbroadcast(ctx.b, ctx.b.op('Mul', [input, s]), outShape, ctx.shapes.get(input)!)] as const);
};

/** Sums a broadcast result back to the operand's shape. */
export function unbroadcast(b: Builder, value: string, from: Shape, to: Shape): string {
  const offset = from.length - to.length;
  const axes = from.map((_, i) => i).filter((i) => i < offset || (to[i - offset] === 1 && from[i] !== 1));
  if (axes.length === 0) return value;
  const summed = b.op('ReduceSum', [value, b.ints(axes)], { keepdims: attr.int(1) });
  return offset > 0 ? b.op('Reshape', [summed, b.ints(to.map((d) => (typeof d === 'number' ? d : -1)))]) : summed;
}

export const globalAveragePoolRelevance: LayerHandler = (ctx) => {
  const x = ctx.node.inputs[0];
  return [[x, ctx.b.op('Mul', [x, globalAveragePoolTranspose(ctx, ratio(ctx))])]];
};

export const averagePoolRelevance: LayerHandler = (ctx) => {
  const x = ctx.node.inputs[0];
  return [[x, ctx.b.op('Mul', [x, averagePoolTranspose(ctx, ratio(ctx))])]];
};

/** ∂f/∂xᵀ g of GlobalAveragePool: g / (H·W), shaped [N, C, 1, 1] (it broadcasts over each window). */
export function globalAveragePoolTranspose(ctx: LayerContext, g: string): string {
  const spatial = staticDims(ctx.shapes.get(ctx.node.inputs[0])!.slice(2), `node ${ctx.node.name} (GlobalAveragePool) input`);
  return ctx.b.op('Mul', [g, ctx.b.scalar(1 / spatial.reduce((a, c) => a * c, 1))]);
}

/** ∂f/∂xᵀ g of AveragePool: divide by each window's element count, spread with a depthwise ConvTranspose of ones. */
export function averagePoolTranspose(ctx: LayerContext, g: string): string {
  const { node, b } = ctx;
  const xShape = ctx.shapes.get(node.inputs[0])!;
  const kernel = attrInts(node, 'kernel_shape')!;
  if ((attrInts(node, 'dilations') ?? []).some((d) => d !== 1)) fail(`node ${node.name} (AveragePool): dilations are not supported`);
  const geometry = windowGeometry(node, xShape, kernel);
  const channels = staticDims(xShape.slice(1, 2), `node ${node.name} (AveragePool) channels`)[0];
  const n = kernel.length;
  const counts = windowCounts(geometry, kernel, attrInt(node, 'count_include_pad', 0) === 1);
  const divided = b.op('Div', [g, b.constant(float32Tensor([1, 1, ...geometry.out], counts), `${node.name}/window_counts`)]);
  const onesKernel = float32Tensor([channels, 1, ...kernel], new Float32Array(channels * kernel.reduce((a, c) => a * c, 1)).fill(1));
  const outputPadding = geometry.spatial.map((size, i) => size - (geometry.strides[i] * (geometry.out[i] - 1) + kernel[i] - geometry.pads[i] - geometry.pads[i + n]));
  return b.op('ConvTranspose', [divided, b.constant(onesKernel, `${node.name}/ones_kernel`, `${node.name}/ones_kernel`)], {
    strides: attr.ints(geometry.strides),
    pads: attr.ints(geometry.pads),
    group: attr.int(channels),
    output_padding: attr.ints(outputPadding),
  });
}

/** Elements averaged by each output window (what AveragePool divides by). */
function windowCounts(geometry: ReturnType<typeof windowGeometry>, kernel: readonly number[], includePad: boolean): Float32Array {
  const n = kernel.length;
  const perDim = geometry.out.map((outSize, d) =>
    Array.from({ length: outSize }, (_, o) => {
      const start = o * geometry.strides[d] - geometry.pads[d];
      const lo = includePad ? -geometry.pads[d] : 0;
      const hi = includePad ? geometry.spatial[d] + geometry.pads[d + n] : geometry.spatial[d];
      return Math.max(0, Math.min(start + kernel[d], hi) - Math.max(start, lo));
    }),
  );
  const total = geometry.out.reduce((a, c) => a * c, 1);
  const counts = new Float32Array(total);
  for (let i = 0; i < total; i++) {
    let rest = i;
    let count = 1;
    for (let d = n - 1; d >= 0; d--) {
      count *= perDim[d][rest % geometry.out[d]];
      rest = Math.floor(rest / geometry.out[d]);
    }
    counts[i] = count;
  }
  return counts;
}
