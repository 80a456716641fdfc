/**
 * Static shape inference for the operator set the LRP core supports. The relevance pass needs shapes the
 * graph does not state (ConvTranspose output padding, Concat split sizes, broadcast axes, constant
 * receptive-field counts); dynamic dimensions (batch) stay symbolic strings.
 */
import { fail } from '../errors.js';
import type { Dim, Graph, Node } from './ir.js';
import { attrInt, attrInts, attrString, intValues } from './ir.js';

export type Shape = readonly Dim[];
export type ShapeMap = ReadonlyMap<string, Shape>;

export function inferShapes(graph: Graph, inputShapes?: ReadonlyMap<string, Shape>): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  // Constant nodes count as initializers here, so shapes can be inferred before canonization too.
  const constants = new Map(graph.initializers);
  for (const node of graph.nodes) {
    const value = node.attributes.value;
    if (node.opType === 'Constant' && value?.kind === 'tensor') constants.set(node.outputs[0], value.value);
  }
  const withConstants: Graph = { ...graph, initializers: constants };
  for (const [name, t] of graph.initializers) shapes.set(name, t.dims);
  for (const input of graph.inputs) {
    const shape = inputShapes?.get(input.name) ?? input.shape;
    if (!shape) fail(`graph input ${input.name} has no shape; export the model with input shapes`);
    shapes.set(input.name, shape);
  }
  for (const node of graph.nodes) {
    const outs = inferNode(node, withConstants, shapes);
    node.outputs.forEach((name, i) => {
      if (name && outs[i]) shapes.set(name, outs[i]);
    });
  }
  return shapes;
}

function shapeOf(shapes: ReadonlyMap<string, Shape>, name: string, node: Node): Shape {
  const s = shapes.get(name);
  if (!s) fail(`node ${node.name} (${node.opType}): shape of input ${name} is unknown`);
  return s;
}

function constInts(graph: Graph, name: string | undefined, node: Node, what: string): number[] | undefined {
  if (!name) return undefined;
  const t = graph.initializers.get(name);
  if (!t) fail(`node ${node.name} (${node.opType}): ${what} must be a constant`);
  return intValues(t);
}

export function staticDims(shape: Shape, where: string): number[] {
  return shape.map((d, i) => {
    if (typeof d !== 'number') fail(`${where}: dimension ${i} is dynamic (${d}) but must be static`);
    return d;
  });
}

function broadcast(a: Shape, b: Shape, node: Node): Shape {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da === 1) out.push(db);
    else if (db === 1 || da === db) out.push(da);
    else if (typeof da === 'string' || typeof db === 'string') out.push(typeof da === 'string' ? db : da);
    else fail(`node ${node.name} (${node.opType}): shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
  }
  return out;
}

/** Spatial output sizes of Conv / pooling windows, with pads resolved from auto_pad. */
export function windowGeometry(node: Node, inShape: Shape, kernel: readonly number[]) {
  const spatial = staticDims(inShape.slice(2), `node ${node.name} (${node.opType}) input`);
  const n = kernel.length;
  const strides = attrInts(node, 'strides') ?? new Array<number>(n).fill(1);
  const dilations = attrInts(node, 'dilations') ?? new Array<number>(n).fill(1);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  const ceil = attrInt(node, 'ceil_mode', 0) === 1;
  let pads = [...(attrInts(node, 'pads') ?? new Array<number>(2 * n).fill(0))];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = new Array<number>(2 * n).fill(0);
    for (let i = 0; i < n; i++) {
      const out = Math.ceil(spatial[i] / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - spatial[i]);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + n] = total - pads[i];
    }
  } else if (autoPad === 'VALID') {
    pads = new Array<number>(2 * n).fill(0);
  }
  const out = spatial.map((size, i) => {
    const span = size + pads[i] + pads[i + n] - ((kernel[i] - 1) * dilations[i] + 1);
    const steps = ceil ? Math.ceil(span / strides[i]) : Math.floor(span / strides[i]);
    let o = steps + 1;
    // ceil_mode: the last window must start inside the input or the left padding (ONNX / PyTorch rule).
    if (ceil && (o - 1) * strides[i] >= size + pads[i]) o -= 1;
    if (o <= 0) fail(`node ${node.name} (${node.opType}): kernel larger than padded input`);
    return o;
  });
  return { spatial, strides, dilations, pads, out };
}

function inferNode(node: Node, graph: Graph, shapes: ReadonlyMap<string, Shape>): Shape[] {
  const input = (i: number) => shapeOf(shapes, node.inputs[i], node);
  switch (node.opType) {
    case 'Relu': case 'LeakyRelu': case 'Sigmoid': case 'Tanh': case 'Clip': case 'Softmax': case 'LogSoftmax':
    case 'Identity': case 'Dropout': case 'BatchNormalization':
      return [input(0)];
    case 'Constant': {
      const a = node.attributes.value;
      if (a?.kind === 'tensor') return [a.value.dims];
      if (node.attributes.value_float || node.attributes.value_int) return [[]];
      const list = node.attributes.value_floats ?? node.attributes.value_ints;
      if (list && (list.kind === 'floats' || list.kind === 'ints')) return [[list.value.length]];
      fail(`node ${node.name} (Constant): unsupported value attribute`);
    }
    case 'Gemm': {
      const a = input(0);
      const b = input(1);
      const m = attrInt(node, 'transA', 0) ? a[1] : a[0];
      const n = attrInt(node, 'transB', 0) ? b[0] : b[1];
      return [[m, n]];
    }
    case 'MatMul': {
      const a = input(0);
      const b = input(1);
      if (b.length !== 2) fail(`node ${node.name} (MatMul): only a 2-D constant right operand is supported`);
      return [[...a.slice(0, -1), b[1]]];
    }
    case 'Conv': {
      const x = input(0);
      const w = staticDims(input(1), `node ${node.name} (Conv) weight`);
      const geometry = windowGeometry(node, x, w.slice(2));
      return [[x[0], w[0], ...geometry.out]];
    }
    case 'MaxPool': case 'AveragePool': {
      const x = input(0);
      const kernel = attrInts(node, 'kernel_shape');
      if (!kernel) fail(`node ${node.name} (${node.opType}): kernel_shape is required`);
      const geometry = windowGeometry(node, x, kernel);
      const out = [x[0], x[1], ...geometry.out];
      return node.outputs.length > 1 ? [out, out] : [out];
    }
    case 'GlobalAveragePool': {
      const x = input(0);
      return [[x[0], x[1], ...x.slice(2).map(() => 1)]];
    }
    case 'Add':
      return [broadcast(input(0), input(1), node)];
    case 'Flatten': {
      const x = input(0);
      let axis = attrInt(node, 'axis', 1);
      if (axis < 0) axis += x.length;
      return [[product(x.slice(0, axis)), product(x.slice(axis))]];
    }
    case 'Reshape':
      return [reshapeTarget(input(0), constInts(graph, node.inputs[1], node, 'the target shape') ?? [], node)];
    case 'Transpose': {
      const x = input(0);
      const perm = attrInts(node, 'perm') ?? x.map((_, i) => x.length - 1 - i);
      return [perm.map((p) => x[p])];
    }
    case 'Squeeze': {
      const x = input(0);
      const axes = (attrInts(node, 'axes') ?? constInts(graph, node.inputs[1], node, 'axes') ?? x.flatMap((d, i) => (d === 1 ? [i] : [])))
        .map((a) => (a < 0 ? a + x.length : a));
      return [x.filter((_, i) => !axes.includes(i))];
    }
    case 'Unsqueeze': {
      const x = input(0);
      const raw = attrInts(node, 'axes') ?? constInts(graph, node.inputs[1], node, 'axes');
      if (!raw) fail(`node ${node.name} (Unsqueeze): axes are required`);
      const rank = x.length + raw.length;
      const axes = raw.map((a) => (a < 0 ? a + rank : a));
      const out: Dim[] = [];
      let j = 0;
      for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : x[j++]);
      return [out];
    }
    case 'Concat': {
      const parts = node.inputs.map((_, i) => input(i));
      let axis = attrInt(node, 'axis', 0);
      if (axis < 0) axis += parts[0].length;
      const out = [...parts[0]];
      const sizes = parts.map((p) => p[axis]);
      out[axis] = sizes.every((s) => typeof s === 'number') ? (sizes as number[]).reduce((a, b) => a + b, 0) : `${node.outputs[0]}_concat`;
      return [out];
    }
    case 'Pad': {
      const x = input(0);
      const pads = attrInts(node, 'pads') ?? constInts(graph, node.inputs[1], node, 'pads');
      if (!pads) fail(`node ${node.name} (Pad): pads are required`);
      const axes = constInts(graph, node.inputs[3], node, 'axes')?.map((a) => (a < 0 ? a + x.length : a)) ?? x.map((_, i) => i);
      const out = [...x];
      axes.forEach((axis, i) => {
        const d = out[axis];
        out[axis] = typeof d === 'number' ? d + pads[i] + pads[i + axes.length] : d;
      });
      return [out];
    }
    default:
      return [];
  }
}

function product(dims: readonly Dim[]): Dim {
  if (dims.every((d) => typeof d === 'number')) return (dims as number[]).reduce((a, b) => a * b, 1);
  const symbols = dims.filter((d) => typeof d === 'string');
  const known = (dims.filter((d) => typeof d === 'number') as number[]).reduce((a, b) => a * b, 1);
  return known === 1 ? symbols.join('*') : `${symbols.join('*')}*${known}`;
}

function reshapeTarget(x: Shape, target: number[], node: Node): Shape {
  const allowZero = attrInt(node, 'allowzero', 0) === 1;
  const out: Dim[] = target.map((d, i) => (d === 0 && !allowZero ? x[i] : d));
  const inferred = out.indexOf(-1);
  if (inferred >= 0) {
    const rest = out.filter((_, i) => i !== inferred);
    const staticIn = x.filter((d) => typeof d === 'number').reduce((a: number, b) => a * (b as number), 1);
    const symbolsIn = x.filter((d) => typeof d === 'string') as string[];
    const staticRest = rest.filter((d) => typeof d === 'number').reduce((a: number, b) => a * (b as number), 1);
    const symbolsRest = rest.filter((d) => typeof d === 'string') as string[];
    const leftover = symbolsIn.filter((s) => !symbolsRest.includes(s));
    if (staticIn % staticRest !== 0) fail(`node ${node.name} (Reshape): cannot reshape [${x.join(',')}] to [${target.join(',')}]`);
    const ratio = staticIn / staticRest;
    out[inferred] = leftover.length === 0 ? ratio : ratio === 1 ? leftover.join('*') : `${leftover.join('*')}*${ratio}`;
  }
  return out;
}
