/** ONNX bytes → typed graph IR. Every failure is a one-line UserError naming what is wrong. */
import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { readFileOrFail } from '../io/read.js';
import type { Attribute, DType, Dim, Graph, Model, Node, Tensor, TensorValues, ValueInfo } from './ir.js';
import { elementCount } from './ir.js';
import { ATTRIBUTE_TYPE, DATA_TYPE, modelProtoType } from './proto.js';

/* protobufjs decodes into plain objects; these are the fields we read (see vendor/onnx/onnx.proto). */
interface TensorProtoObject {
  name?: string;
  dims?: number[];
  dataType?: number;
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
  dataLocation?: number;
  externalData?: { key: string; value: string }[];
}
interface AttributeProtoObject {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProtoObject;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}
interface NodeProtoObject {
  name?: string;
  opType?: string;
  domain?: string;
  input?: string[];
  output?: string[];
  attribute?: AttributeProtoObject[];
}
interface DimObject {
  dimValue?: number;
  dimParam?: string;
}
interface ValueInfoProtoObject {
  name?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: DimObject[] } } };
}
interface GraphProtoObject {
  name?: string;
  node?: NodeProtoObject[];
  initializer?: TensorProtoObject[];
  input?: ValueInfoProtoObject[];
  output?: ValueInfoProtoObject[];
}
interface ModelProtoObject {
  irVersion?: number;
  opsetImport?: { domain?: string; version?: number }[];
  producerName?: string;
  producerVersion?: string;
  graph?: GraphProtoObject;
  metadataProps?: { key: string; value: string }[];
}

const DTYPE_BY_CODE = new Map<number, DType>(Object.entries(DATA_TYPE).map(([k, v]) => [v, k as DType]));

export function dtypeFromCode(code: number | undefined, where: string): DType {
  const dtype = code === undefined ? undefined : DTYPE_BY_CODE.get(code);
  if (!dtype) fail(`${where}: unsupported tensor element type code ${code ?? 'missing'}`);
  return dtype;
}

/** Reads an ONNX file; `externalDir` resolves tensors stored as external data. */
export function loadModelFile(file: string): Model {
  return decodeModel(readFileOrFail(file, 'model'), { source: file, externalDir: path.dirname(file) });
}

export interface DecodeOptions {
  /** Named in error messages. */
  readonly source?: string;
  /** Folder of external tensor data; without it external tensors are an error. */
  readonly externalDir?: string;
}

export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): Model {
  const source = options.source ?? 'model';
  const type = modelProtoType();
  let proto: ModelProtoObject;
  try {
    const message = type.decode(bytes);
    proto = type.toObject(message, { longs: Number, bytes: Uint8Array, defaults: false, arrays: true }) as ModelProtoObject;
  } catch (e) {
    fail(`${source} is not a valid ONNX file (protobuf decode failed: ${(e as Error).message})`);
  }
  if (!proto.graph || !proto.graph.node || proto.graph.node.length === 0) {
    fail(`${source} is not a valid ONNX file (no graph or no nodes)`);
  }
  if (!proto.opsetImport || proto.opsetImport.length === 0) fail(`${source} is not a valid ONNX file (no opset_import)`);
  const graph = decodeGraph(proto.graph, source, options.externalDir);
  return {
    irVersion: proto.irVersion ?? 0,
    opsetImports: proto.opsetImport.map((o) => ({ domain: o.domain ?? '', version: o.version ?? 0 })),
    producerName: proto.producerName ?? '',
    producerVersion: proto.producerVersion ?? '',
    graph,
    metadata: Object.fromEntries((proto.metadataProps ?? []).map((p) => [p.key, p.value])),
  };
}

function decodeGraph(g: GraphProtoObject, source: string, externalDir: string | undefined): Graph {
  const initializers = new Map<string, Tensor>();
  for (const t of g.initializer ?? []) {
    const name = t.name ?? '';
    initializers.set(name, decodeTensor(t, `${source}: initializer ${name}`, externalDir));
  }
  const nodes: Node[] = (g.node ?? []).map((n, index) => decodeNode(n, index, source, externalDir));
  return {
    name: g.name ?? 'graph',
    // Initializers listed as graph inputs (older exporters) are constants, not inputs.
    inputs: (g.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map((v) => decodeValueInfo(v, source)),
    outputs: (g.output ?? []).map((v) => decodeValueInfo(v, source)),
    initializers,
    nodes,
  };
}

function decodeNode(n: NodeProtoObject, index: number, source: string, externalDir: string | undefined): Node {
  const opType = n.opType ?? '';
  const name = n.name && n.name.length > 0 ? n.name : `${opType}_${index}`;
  const attributes: Record<string, Attribute> = {};
  for (const a of n.attribute ?? []) {
    const attrName = a.name ?? '';
    attributes[attrName] = decodeAttribute(a, `${source}: node ${name} attribute ${attrName}`, externalDir);
  }
  return { name, opType, domain: n.domain ?? '', inputs: n.input ?? [], outputs: n.output ?? [], attributes };
}

const utf8 = new TextDecoder();

function decodeAttribute(a: AttributeProtoObject, where: string, externalDir: string | undefined): Attribute {
  switch (a.type) {
    case ATTRIBUTE_TYPE.float:
      return { kind: 'float', value: a.f ?? 0 };
    case ATTRIBUTE_TYPE.int:
      return { kind: 'int', value: a.i ?? 0 };
    case ATTRIBUTE_TYPE.string:
      return { kind: 'string', value: utf8.decode(a.s ?? new Uint8Array()) };
    case ATTRIBUTE_TYPE.tensor:
      if (!a.t) fail(`${where}: tensor attribute without a tensor`);
      return { kind: 'tensor', value: decodeTensor(a.t, where, externalDir) };
    case ATTRIBUTE_TYPE.floats:
      return { kind: 'floats', value: a.floats ?? [] };
    case ATTRIBUTE_TYPE.ints:
      return { kind: 'ints', value: a.ints ?? [] };
    case ATTRIBUTE_TYPE.strings:
      return { kind: 'strings', value: (a.strings ?? []).map((s) => utf8.decode(s)) };
    default:
      fail(`${where}: unsupported attribute type ${a.type ?? 'missing'} (subgraphs and sparse tensors are not supported)`);
  }
}

function decodeValueInfo(v: ValueInfoProtoObject, source: string): ValueInfo {
  const name = v.name ?? '';
  const tensorType = v.type?.tensorType;
  const shape: Dim[] | null = tensorType?.shape
    ? (tensorType.shape.dim ?? []).map((d, i) => (d.dimValue !== undefined ? d.dimValue : d.dimParam ?? `${name}_dim${i}`))
    : null;
  return { name, dtype: dtypeFromCode(tensorType?.elemType, `${source}: value ${name}`), shape };
}

const EXTERNAL = 1;

function decodeTensor(t: TensorProtoObject, where: string, externalDir: string | undefined): Tensor {
  const dtype = dtypeFromCode(t.dataType, where);
  const dims = (t.dims ?? []).map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) fail(`${where}: invalid dims [${dims.join(',')}]`);
  const count = elementCount(dims);
  let raw = t.rawData;
  if (t.dataLocation === EXTERNAL) raw = readExternal(t, where, externalDir);
  let data: TensorValues;
  if (raw && raw.length > 0) {
    data = fromRaw(dtype, raw, count, where);
  } else {
    data = fromTyped(dtype, t, where);
  }
  if (data.length !== count) fail(`${where}: holds ${data.length} values but dims [${dims.join(',')}] need ${count} (truncated file?)`);
  return { dtype, dims, data };
}

function readExternal(t: TensorProtoObject, where: string, externalDir: string | undefined): Uint8Array {
  const entries = Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value]));
  if (!externalDir) fail(`${where}: stored as external data, load the model from a file path`);
  const location = entries.location;
  if (!location || path.isAbsolute(location) || location.split(/[\\/]/).includes('..')) {
    fail(`${where}: invalid external data location ${JSON.stringify(location ?? '')}`);
  }
  const file = path.join(externalDir, location);
  const offset = Number(entries.offset ?? 0);
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(file);
  } catch {
    fail(`${where}: cannot read external data file ${file}`);
  }
  const length = entries.length !== undefined ? Number(entries.length) : buffer.length - offset;
  if (offset + length > buffer.length) fail(`${where}: external data file ${file} is truncated`);
  return buffer.subarray(offset, offset + length);
}

const BYTES_PER_ELEMENT: Record<DType, number> = {
  float32: 4, float64: 8, float16: 2, int64: 8, int32: 4, int8: 1, uint8: 1, bool: 1,
};

function fromRaw(dtype: DType, raw: Uint8Array, count: number, where: string): TensorValues {
  const bytes = BYTES_PER_ELEMENT[dtype];
  if (raw.length !== count * bytes) fail(`${where}: raw data has ${raw.length} bytes, expected ${count * bytes} (truncated file?)`);
  // Copy into an aligned buffer: protobuf byte fields are not aligned to the element size.
  const copy = new Uint8Array(raw.length);
  copy.set(raw);
  const buffer = copy.buffer;
  switch (dtype) {
    case 'float32': return new Float32Array(buffer);
    case 'float64': return new Float64Array(buffer);
    case 'float16': return new Uint16Array(buffer);
    case 'int64': return new BigInt64Array(buffer);
    case 'int32': return new Int32Array(buffer);
    case 'int8': return new Int8Array(buffer);
    case 'uint8':
    case 'bool': return copy;
  }
}

function fromTyped(dtype: DType, t: TensorProtoObject, where: string): TensorValues {
  switch (dtype) {
    case 'float32': return Float32Array.from(t.floatData ?? []);
    case 'float64': return Float64Array.from(t.doubleData ?? []);
    case 'int64': return BigInt64Array.from((t.int64Data ?? []).map((v) => BigInt(v)));
    case 'int32': return Int32Array.from(t.int32Data ?? []);
    case 'int8': return Int8Array.from(t.int32Data ?? []);
    case 'uint8':
    case 'bool': return Uint8Array.from(t.int32Data ?? []);
    case 'float16': return Uint16Array.from(t.int32Data ?? []);
  }
  fail(`${where}: no data`);
}
