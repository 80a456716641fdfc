/**
 * The typed graph IR: what the LRP core reads, rewrites and writes back. Plain data, no behaviour;
 * tensors hold typed arrays, attributes keep their ONNX kind so a round trip is lossless.
 */

export type DType = 'float32' | 'float64' | 'float16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

export type TensorValues = Float32Array | Float64Array | BigInt64Array | Int32Array | Int8Array | Uint8Array | Uint16Array;

export interface Tensor {
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly data: TensorValues;
}

/** A dimension is a number when static, or the symbolic name of a dynamic one (e.g. "batch"). */
export type Dim = number | string;

export interface ValueInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly Dim[] | null;
}

export type Attribute =
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'tensor'; readonly value: Tensor };

export interface Node {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  /** Input tensor names; '' marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, Attribute>>;
}

export interface Graph {
  readonly name: string;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly initializers: ReadonlyMap<string, Tensor>;
  /** Nodes in topological order. */
  readonly nodes: readonly Node[];
}

export interface OpsetImport {
  readonly domain: string;
  readonly version: number;
}

export interface Model {
  readonly irVersion: number;
  readonly opsetImports: readonly OpsetImport[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly graph: Graph;
  readonly metadata: Readonly<Record<string, string>>;
}

export function defaultOpset(model: Model): number {
  const entry = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return entry ? entry.version : 0;
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function float32Tensor(dims: readonly number[], data: Float32Array | readonly number[]): Tensor {
  const values = data instanceof Float32Array ? data : Float32Array.from(data);
  if (values.length !== elementCount(dims)) throw new Error(`tensor data has ${values.length} values for dims [${dims.join(',')}]`);
  return { dtype: 'float32', dims: [...dims], data: values };
}

export function int64Tensor(dims: readonly number[], data: readonly number[]): Tensor {
  return { dtype: 'int64', dims: [...dims], data: BigInt64Array.from(data.map((v) => BigInt(v))) };
}

/** Numeric values of an integer tensor (shapes, axes, pads), as JS numbers. */
export function intValues(t: Tensor): number[] {
  if (t.data instanceof BigInt64Array) return Array.from(t.data, (v) => Number(v));
  if (t.data instanceof Float32Array || t.data instanceof Float64Array) return Array.from(t.data);
  return Array.from(t.data as ArrayLike<number>);
}

export function floatValues(t: Tensor): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  if (t.data instanceof BigInt64Array) return Float32Array.from(t.data, (v) => Number(v));
  return Float32Array.from(t.data as ArrayLike<number>);
}

export function attrInt(node: Node, name: string, fallback: number): number {
  const a = node.attributes[name];
  if (!a) return fallback;
  if (a.kind !== 'int') throw new Error(`attribute ${name} of ${node.name} is not an int`);
  return a.value;
}

export function attrFloat(node: Node, name: string, fallback: number): number {
  const a = node.attributes[name];
  if (!a) return fallback;
  if (a.kind !== 'float') throw new Error(`attribute ${name} of ${node.name} is not a float`);
  return a.value;
}

export function attrInts(node: Node, name: string): readonly number[] | undefined {
  const a = node.attributes[name];
  if (!a) return undefined;
  if (a.kind !== 'ints') throw new Error(`attribute ${name} of ${node.name} is not a list of ints`);
  return a.value;
}

export function attrString(node: Node, name: string, fallback: string): string {
  const a = node.attributes[name];
  if (!a) return fallback;
  if (a.kind !== 'string') throw new Error(`attribute ${name} of ${node.name} is not a string`);
  return a.value;
}
