/**
 * A ResNet-50-shaped ONNX model (torchvision layout: bottlenecks [3, 4, 6, 3], stride on the 3×3 conv,
 * BatchNormalization nodes kept, 224×224 input, 1000 classes) with random weights, built in code so that the
 * benchmark needs no 100 MB file in git. Deterministic: the same seed gives the same bytes.
 */
import fs from 'node:fs';
import { attr, createBuilder } from '../src/onnx/builder.js';
import type { Model } from '../src/onnx/ir.js';
import { float32Tensor } from '../src/onnx/ir.js';
import { encodeModel } from '../src/onnx/save.js';

export function resnet50(seed = 50): Model {
  let state = seed >>> 0;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
  const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  const b = createBuilder(['input'], 'resnet50');
  const conv = (x: string, cin: number, cout: number, k: number, stride: number): string => {
    const fanOut = cout * k * k;
    const w = Float32Array.from({ length: cout * cin * k * k }, () => normal() * Math.sqrt(2 / fanOut));
    return b.op('Conv', [x, b.constant(float32Tensor([cout, cin, k, k], w), 'conv.weight')], {
      kernel_shape: attr.ints([k, k]), strides: attr.ints([stride, stride]), pads: attr.ints(new Array(4).fill((k - 1) >> 1)),
    });
  };
  const bn = (x: string, c: number): string => {
    const param = (f: () => number, name: string) => b.constant(float32Tensor([c], Float32Array.from({ length: c }, f)), name);
    return b.op('BatchNormalization', [x, param(() => 0.5 + uniform(), 'bn.weight'), param(() => 0.1 * normal(), 'bn.bias'), param(() => 0.1 * normal(), 'bn.mean'), param(() => 0.5 + uniform(), 'bn.var')], { epsilon: attr.float(1e-5) });
  };
  let x = b.op('Relu', [bn(conv('input', 3, 64, 7, 2), 64)]);
  x = b.op('MaxPool', [x], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) });
  let channels = 64;
  for (const [blocks, width, stride] of [[3, 64, 1], [4, 128, 2], [6, 256, 2], [3, 512, 2]]) {
    for (let i = 0; i < blocks; i++) {
      const s = i === 0 ? stride : 1;
      const out = width * 4;
      let y = b.op('Relu', [bn(conv(x, channels, width, 1, 1), width)]);
      y = b.op('Relu', [bn(conv(y, width, width, 3, s), width)]);
      y = bn(conv(y, width, out, 1, 1), out);
      const identity = i === 0 ? bn(conv(x, channels, out, 1, s), out) : x;
      x = b.op('Relu', [b.op('Add', [y, identity])]);
      channels = out;
    }
  }
  x = b.op('Flatten', [b.op('GlobalAveragePool', [x])], { axis: attr.int(1) });
  const fc = Float32Array.from({ length: 1000 * 2048 }, () => (uniform() * 2 - 1) / Math.sqrt(2048));
  const fcBias = Float32Array.from({ length: 1000 }, () => 0.1 * normal());
  b.node('Gemm', [x, b.constant(float32Tensor([1000, 2048], fc), 'fc.weight'), b.constant(float32Tensor([1000], fcBias), 'fc.bias')], { transB: attr.int(1) }, ['logits']);
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'lrp-report bench',
    producerVersion: '0.1.0',
    metadata: {},
    graph: {
      name: 'resnet50_random',
      inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 3, 224, 224] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 1000] }],
      initializers: b.initializers,
      nodes: b.nodes,
    },
  };
}

export function writeResnet50(file: string): void {
  if (!fs.existsSync(file)) fs.writeFileSync(file, encodeModel(resnet50()));
}
