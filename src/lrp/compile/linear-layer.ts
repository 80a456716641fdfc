/**
 * The two linear layer kinds a rule can be applied to, behind one interface: the forward map with a given
 * weight (z = W x [+ b]) and its transpose (the gradient w.r.t. the input, Wᵀ s). Weights are stored with the
 * output dimension first for both (dense [out, in], conv [out, in/group, k…]), so rule modifiers and
 * stacking of several modified weights along the output axis are the same code for both.
 */
import { fail } from '../../errors.js';
import type { Attribute, Node, Tensor } from '../../onnx/ir.js';
import { attrInt, elementCount, float32Tensor, floatValues } from '../../onnx/ir.js';
import type { Shape, ShapeMap } from '../../onnx/shapes.js';
import { staticDims, windowGeometry } from '../../onnx/shapes.js';
import type { Builder } from '../../onnx/builder.js';
import { attr } from '../../onnx/builder.js';

/** A (possibly modified and stacked) weight: its graph name, its values, and a key that identifies it. */
export interface LayerWeight {
  readonly name: string;
  readonly tensor: Tensor;
  readonly key: string;
}

export interface LinearLayer {
  readonly node: Node;
  readonly kind: 'dense' | 'conv';
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly inputShape: Shape;
  /** Whether several weights can be stacked along the output axis into one op (not for grouped convs). */
  readonly stackable: boolean;
  forward(b: Builder, x: string, weight: string, bias?: string): string;
  transpose(b: Builder, s: string, weight: LayerWeight): string;
  /** The input-shaped constant (batch 1) for a per-channel or scalar value: ones, or zbox bounds. */
  constantInput(values: number | readonly number[]): Tensor;
}

/** `flipStrideOne`: compute stride-1 transposes as convolutions with flipped weights (faster, one more copy). */
export function linearLayer(node: Node, initializers: ReadonlyMap<string, Tensor>, shapes: ShapeMap, flipStrideOne = true): LinearLayer {
  const weight = initializers.get(node.inputs[1]);
  const bias = initializers.get(node.inputs[2]);
  const inputShape = shapes.get(node.inputs[0]);
  if (!weight || !bias || !inputShape) fail(`node ${node.name} (${node.opType}): weights, bias and input shape must be known`);
  if (node.opType === 'Gemm') return denseLayer(node, weight, bias, inputShape);
  if (node.opType === 'Conv') return convLayer(node, weight, bias, inputShape, flipStrideOne);
  fail(`node ${node.name} (${node.opType}) is not a linear layer`);
}

function perChannelConstant(shape: readonly number[], values: number | readonly number[], where: string): Tensor {
  const channels = shape[1];
  const list = typeof values === 'number' ? [values] : values;
  if (list.length !== 1 && list.length !== channels) fail(`${where}: ${list.length} per-channel values given for ${channels} channels`);
  const data = new Float32Array(elementCount(shape));
  const perChannel = data.length / channels;
  for (let c = 0; c < channels; c++) data.fill(list.length === 1 ? list[0] : list[c], c * perChannel, (c + 1) * perChannel);
  return float32Tensor(shape, data);
}

function denseLayer(node: Node, weight: Tensor, bias: Tensor, inputShape: Shape): LinearLayer {
  const features = weight.dims[1];
  return {
    node, kind: 'dense', weight, bias, inputShape, stackable: true,
    forward: (b, x, w, bb) => b.op('Gemm', bb ? [x, w, bb] : [x, w], { transB: attr.int(1) }),
    transpose: (b, s, w) => b.op('MatMul', [s, w.name]),
    constantInput: (values) => perChannelConstant([1, features], values, `node ${node.name}`),
  };
}

function convLayer(node: Node, weight: Tensor, bias: Tensor, inputShape: Shape, flipStrideOne: boolean): LinearLayer {
  const kernel = weight.dims.slice(2);
  const geometry = windowGeometry(node, inputShape, kernel);
  const group = attrInt(node, 'group', 1);
  const common: Record<string, Attribute> = {
    strides: attr.ints(geometry.strides),
    dilations: attr.ints(geometry.dilations),
    pads: attr.ints(geometry.pads),
    group: attr.int(group),
  };
  const n = kernel.length;
  // ConvTranspose must give back exactly the input size (stack-notes: explicit pads + output_padding).
  const outputPadding = geometry.spatial.map((size, i) => size - (geometry.strides[i] * (geometry.out[i] - 1) + (kernel[i] - 1) * geometry.dilations[i] + 1 - geometry.pads[i] - geometry.pads[i + n]));
  const channels = staticDims(inputShape.slice(1, 2), `node ${node.name} input channels`)[0];
  // For stride 1, Wᵀ is itself a convolution with flipped, channel-swapped weights: onnxruntime runs it
  // 1.5–2.5× faster than ConvTranspose (stack-notes.md), at the cost of one reordered copy of the weight.
  const flippedPads = geometry.pads.map((p, i) => (kernel[i % n] - 1) * geometry.dilations[i % n] - p);
  const asConv = flipStrideOne && geometry.strides.every((s) => s === 1) && flippedPads.every((p) => p >= 0);
  return {
    node, kind: 'conv', weight, bias, inputShape, stackable: group === 1,
    forward: (b, x, w, bb) => b.op('Conv', bb ? [x, w, bb] : [x, w], common),
    transpose: (b, s, w) =>
      asConv
        ? b.op('Conv', [s, b.constant(flipSwap(w.tensor, group), `${w.name}/flipped`, `${w.key}:flipped`)], { ...common, pads: attr.ints(flippedPads) })
        : b.op('ConvTranspose', [s, w.name], { ...common, output_padding: attr.ints(outputPadding) }),
    constantInput: (values) => perChannelConstant([1, channels, ...geometry.spatial], values, `node ${node.name}`),
  };
}

/**
 * The weight of the convolution that computes a conv's transpose (stride 1): W'[g·Cin/g + i, o, k…] =
 * W[g·Cout/g + o, i, flipped k…], i.e. input and output channels swapped within each group, kernel flipped.
 */
export function flipSwap(w: Tensor, group: number): Tensor {
  const [cout, cinG, ...kernel] = w.dims;
  const coutG = cout / group;
  const k = kernel.reduce((a, c) => a * c, 1);
  const src = floatValues(w);
  const out = new Float32Array(src.length);
  for (let g = 0; g < group; g++) {
    for (let o = 0; o < coutG; o++) {
      for (let i = 0; i < cinG; i++) {
        const from = ((g * coutG + o) * cinG + i) * k;
        const to = ((g * cinG + i) * coutG + o) * k;
        // Reversing the flat kernel index flips every spatial axis at once.
        for (let t = 0; t < k; t++) out[to + t] = src[from + k - 1 - t];
      }
    }
  }
  return float32Tensor([cinG * group, coutG, ...kernel], out);
}

/** Applies an element-wise modifier to a float tensor. */
export function modifyTensor(t: Tensor, apply: (v: number) => number): Tensor {
  const src = floatValues(t);
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = apply(src[i]);
  return float32Tensor(t.dims, out);
}

/** Concatenates tensors along axis 0 (the output axis of stored weights and biases). */
export function stackTensors(tensors: readonly Tensor[]): Tensor {
  const dims = [tensors.reduce((a, t) => a + t.dims[0], 0), ...tensors[0].dims.slice(1)];
  const out = new Float32Array(elementCount(dims));
  let offset = 0;
  for (const t of tensors) {
    out.set(floatValues(t), offset);
    offset += elementCount(t.dims);
  }
  return float32Tensor(dims, out);
}
