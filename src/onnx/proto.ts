/** The official onnx.proto, loaded once by protobufjs (no hand-rolled wire format). */
import protobuf from 'protobufjs';
import { packagePath } from '../paths.js';

const protoPath = packagePath('vendor', 'onnx', 'onnx.proto');

let modelType: protobuf.Type | undefined;

export function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.loadSync(protoPath).lookupType('onnx.ModelProto');
  return modelType;
}

/** ONNX TensorProto.DataType codes of the element types the IR knows. */
export const DATA_TYPE = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
} as const;

export const ATTRIBUTE_TYPE = {
  float: 1,
  int: 2,
  string: 3,
  tensor: 4,
  graph: 5,
  floats: 6,
  ints: 7,
  strings: 8,
} as const;
