/** Typed graph IR → ONNX bytes (protobufjs with the official schema), inline or with external tensor data. */
import fs from 'node:fs';
import path from 'node:path';
import type { Attribute, DType, Dim, Graph, Model, Node, Tensor, ValueInfo } from './ir.js';
import { ATTRIBUTE_TYPE, DATA_TYPE, modelProtoType } from './proto.js';

/** Where tensor bytes go: inline in the protobuf, or appended to an external data file. */
type TensorSink = (t: Tensor, name: string) => object;

export function encodeModel(model: Model, sink: TensorSink = inlineTensor): Uint8Array {
  const type = modelProtoType();
  const object = {
    irVersion: model.irVersion,
    opsetImport: model.opsetImports.map((o) => ({ domain: o.domain, version: o.version })),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    graph: encodeGraph(model.graph, sink),
    metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
  };
  const error = type.verify(object);
  if (error) throw new Error(`internal: invalid ONNX model object: ${error}`);
  return type.encode(type.fromObject(object)).finish();
}

export function initializerBytes(model: Model): number {
  let total = 0;
  for (const t of model.graph.initializers.values()) total += t.data.byteLength;
  return total;
}

const EXTERNAL_MIN_BYTES = 1024;
const EXTERNAL_ALIGNMENT = 64;

/**
 * Writes `file` with every initializer of ≥ 1 KiB in `file`.data (ONNX external data): no single buffer holds
 * the whole model, and models past protobuf's 2 GB limit can be written. Not atomic: callers write into a
 * fresh folder or rename the pair themselves.
 */
export function writeModelWithExternalData(model: Model, file: string): void {
  const dataName = `${path.basename(file)}.data`;
  const fd = fs.openSync(path.join(path.dirname(file), dataName), 'w');
  let offset = 0;
  try {
    const sink: TensorSink = (t, name) => {
      if (t.data.byteLength < EXTERNAL_MIN_BYTES) return inlineTensor(t, name);
      const padding = (EXTERNAL_ALIGNMENT - (offset % EXTERNAL_ALIGNMENT)) % EXTERNAL_ALIGNMENT;
      if (padding) offset += fs.writeSync(fd, new Uint8Array(padding));
      const start = offset;
      offset += fs.writeSync(fd, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      return {
        name,
        dims: [...t.dims],
        dataType: dtypeCode(t.dtype),
        dataLocation: 1,
        externalData: [
          { key: 'location', value: dataName },
          { key: 'offset', value: String(start) },
          { key: 'length', value: String(t.data.byteLength) },
        ],
      };
    };
    fs.writeFileSync(file, encodeModel(model, sink));
  } finally {
    fs.closeSync(fd);
  }
}

function encodeGraph(g: Graph, sink: TensorSink): object {
  return {
    name: g.name,
    node: g.nodes.map(encodeNode),
    initializer: [...g.initializers].map(([name, t]) => sink(t, name)),
    input: g.inputs.map(encodeValueInfo),
    output: g.outputs.map(encodeValueInfo),
  };
}

function encodeNode(n: Node): object {
  return {
    name: n.name,
    opType: n.opType,
    domain: n.domain,
    input: [...n.inputs],
    output: [...n.outputs],
    attribute: Object.entries(n.attributes).map(([name, a]) => encodeAttribute(name, a)),
  };
}

const utf8 = new TextEncoder();

function encodeAttribute(name: string, a: Attribute): object {
  switch (a.kind) {
    case 'float': return { name, type: ATTRIBUTE_TYPE.float, f: a.value };
    case 'int': return { name, type: ATTRIBUTE_TYPE.int, i: a.value };
    case 'string': return { name, type: ATTRIBUTE_TYPE.string, s: utf8.encode(a.value) };
    case 'floats': return { name, type: ATTRIBUTE_TYPE.floats, floats: [...a.value] };
    case 'ints': return { name, type: ATTRIBUTE_TYPE.ints, ints: [...a.value] };
    case 'strings': return { name, type: ATTRIBUTE_TYPE.strings, strings: a.value.map((s) => utf8.encode(s)) };
    case 'tensor': return { name, type: ATTRIBUTE_TYPE.tensor, t: inlineTensor(a.value, '') };
  }
}

export function dtypeCode(dtype: DType): number {
  return DATA_TYPE[dtype];
}

function inlineTensor(t: Tensor, name: string): object {
  const view = t.data;
  return {
    name,
    dims: [...t.dims],
    dataType: dtypeCode(t.dtype),
    rawData: new Uint8Array(view.buffer, view.byteOffset, view.byteLength),
  };
}

function encodeValueInfo(v: ValueInfo): object {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: dtypeCode(v.dtype),
        ...(v.shape ? { shape: { dim: v.shape.map(encodeDim) } } : {}),
      },
    },
  };
}

function encodeDim(d: Dim): object {
  return typeof d === 'number' ? { dimValue: d } : { dimParam: d };
}
