/** Typed graph IR → ONNX bytes (protobufjs with the official schema). */
import type { Attribute, DType, Dim, Graph, Model, Node, Tensor, ValueInfo } from './ir.js';
import { ATTRIBUTE_TYPE, DATA_TYPE, modelProtoType } from './proto.js';

export function encodeModel(model: Model): Uint8Array {
  const type = modelProtoType();
  const object = {
    irVersion: model.irVersion,
    opsetImport: model.opsetImports.map((o) => ({ domain: o.domain, version: o.version })),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    graph: encodeGraph(model.graph),
    metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
  };
  const error = type.verify(object);
  if (error) throw new Error(`internal: invalid ONNX model object: ${error}`);
  return type.encode(type.fromObject(object)).finish();
}

function encodeGraph(g: Graph): object {
  return {
    name: g.name,
    node: g.nodes.map(encodeNode),
    initializer: [...g.initializers].map(([name, t]) => encodeTensor(t, name)),
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
    case 'tensor': return { name, type: ATTRIBUTE_TYPE.tensor, t: encodeTensor(a.value, '') };
  }
}

export function dtypeCode(dtype: DType): number {
  return DATA_TYPE[dtype];
}

function encodeTensor(t: Tensor, name: string): object {
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
