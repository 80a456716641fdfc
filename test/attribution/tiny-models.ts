/** Tiny ONNX models whose attributions are known by hand, shared by the attribution and evaluation tests. */
import { attr, createBuilder } from '../../src/onnx/builder.js';
import type { Model } from '../../src/onnx/ir.js';
import { float32Tensor } from '../../src/onnx/ir.js';

function model(inputShape: readonly number[], build: (b: ReturnType<typeof createBuilder>) => string, head: boolean): Model {
  const b = createBuilder(['x'], 'tiny');
  const logits = build(b);
  b.node(head ? 'Sigmoid' : 'Identity', [logits], {}, ['y']);
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'test',
    producerVersion: '',
    metadata: {},
    graph: { name: 'tiny', inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', ...inputShape] }], outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 1] }], initializers: b.initializers, nodes: b.nodes },
  };
}

/** f(x) = w·x + bias (one logit), optionally followed by a Sigmoid head. */
export function linearModel(w: readonly number[], bias = 0, head = false): Model {
  return model([w.length], (b) => b.op('Gemm', ['x', b.constant(float32Tensor([1, w.length], w), 'W'), b.constant(float32Tensor([1], [bias]), 'B')], { transB: attr.int(1) }), head);
}

/** f(x) = w·flatten(x) + bias on inputs of shape `shape` (e.g. [C, H, W]). */
export function flatLinearModel(shape: readonly number[], w: readonly number[]): Model {
  return model(shape, (b) => b.op('Gemm', [b.op('Flatten', ['x'], { axis: attr.int(1) }), b.constant(float32Tensor([1, w.length], w), 'W'), b.constant(float32Tensor([1], [0]), 'B')], { transB: attr.int(1) }), false);
}

/** f(x) = relu(w·x + bias), by default relu(x − 1) on one feature: the gradient is 0 below the kink (and at it), w above. */
export function hingeModel(w: readonly number[] = [1], bias = -1): Model {
  return model([w.length], (b) => b.op('Relu', [b.op('Gemm', ['x', b.constant(float32Tensor([1, w.length], w), 'W'), b.constant(float32Tensor([1], [bias]), 'B')], { transB: attr.int(1) })]), false);
}

/** f(x) = v·relu(W x + c): two linear layers, for the randomisation cascade. */
export function twoLayerModel(W: readonly number[], c: readonly number[], v: readonly number[]): Model {
  const hidden = c.length;
  const inputs = W.length / hidden;
  return model([inputs], (b) => {
    const h = b.op('Relu', [b.op('Gemm', ['x', b.constant(float32Tensor([hidden, inputs], W), 'W1'), b.constant(float32Tensor([hidden], c), 'B1')], { transB: attr.int(1) })]);
    return b.op('Gemm', [h, b.constant(float32Tensor([1, hidden], v), 'W2'), b.constant(float32Tensor([1], [0]), 'B2')], { transB: attr.int(1) });
  }, false);
}

/** f(x) = w · mean over H, W of x (one channel): a model with large samples and a constant gradient w/(H·W). */
export function meanModel(height: number, width: number, w: number): Model {
  return model([1, height, width], (b) => {
    const pooled = b.op('Flatten', [b.op('GlobalAveragePool', ['x'])], { axis: attr.int(1) });
    return b.op('Gemm', [pooled, b.constant(float32Tensor([1, 1], [w]), 'W'), b.constant(float32Tensor([1], [0]), 'B')], { transB: attr.int(1) });
  }, false);
}
