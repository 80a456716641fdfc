/** The operator set the LRP core explains; anything else is refused before any work is done. */
import { fail } from '../errors.js';
import type { Model } from '../onnx/ir.js';
import { defaultOpset } from '../onnx/ir.js';

export const SUPPORTED_OPS: readonly string[] = [
  'Gemm', 'MatMul', 'Conv', 'BatchNormalization', 'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Clip', 'MaxPool',
  'AveragePool', 'GlobalAveragePool', 'Add', 'Flatten', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Concat',
  'Pad', 'Constant', 'Identity', 'Dropout', 'Softmax', 'LogSoftmax',
];

export const MIN_OPSET = 11;
export const MAX_OPSET = 26;

export function checkSupported(model: Model, source = 'model'): void {
  const opset = defaultOpset(model);
  if (opset < MIN_OPSET || opset > MAX_OPSET) fail(`${source}: opset ${opset || 'missing'} is not supported (supported: ${MIN_OPSET}–${MAX_OPSET})`);
  const g = model.graph;
  for (const node of g.nodes) {
    if ((node.domain !== '' && node.domain !== 'ai.onnx') || !SUPPORTED_OPS.includes(node.opType)) {
      fail(`${source}: unsupported op ${node.domain ? `${node.domain}.` : ''}${node.opType} at node ${node.name}; supported ops: ${SUPPORTED_OPS.join(', ')}`);
    }
  }
  if (g.inputs.length !== 1) fail(`${source}: the model must have exactly one input (has ${g.inputs.map((i) => i.name).join(', ') || 'none'})`);
  if (g.inputs[0].dtype !== 'float32') fail(`${source}: input ${g.inputs[0].name} is ${g.inputs[0].dtype}; only float32 inputs are supported`);
  for (const [name, t] of g.initializers) {
    if (t.dtype === 'float64' || t.dtype === 'float16') fail(`${source}: initializer ${name} is ${t.dtype}; only float32 models are supported`);
  }
}
