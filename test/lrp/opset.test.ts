/** Models of older opsets compile into the opset-18 explainer: Squeeze/Unsqueeze axes move from attribute to input. */
import { afterAll, describe, expect, it } from 'vitest';
import { attr, createBuilder } from '../../src/onnx/builder.js';
import type { Model } from '../../src/onnx/ir.js';
import { float32Tensor } from '../../src/onnx/ir.js';
import { compileExplainer } from '../../src/lrp/compile/compile.js';
import { builtinComposite } from '../../src/lrp/composites/builtin.js';
import type { Explainer } from '../../src/lrp/explainer.js';
import { createExplainer } from '../../src/lrp/explainer.js';
import { rng } from '../helpers/random.js';

function model(opset: number, withSqueezes: boolean): Model {
  const r = rng(3);
  const b = createBuilder(['x'], 'm');
  let h = b.op('Gemm', ['x', b.constant(float32Tensor([4, 6], r.normals(24)), 'w'), b.constant(float32Tensor([4], r.normals(4)), 'b')], { transB: attr.int(1) });
  if (withSqueezes) h = b.op('Squeeze', [b.op('Unsqueeze', [h], { axes: attr.ints([2]) })], { axes: attr.ints([2]) });
  b.node('Identity', [h], {}, ['y']);
  return {
    irVersion: 6,
    opsetImports: [{ domain: '', version: opset }],
    producerName: 'test',
    producerVersion: '',
    metadata: {},
    graph: { name: 'g', inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 6] }], outputs: [{ name: 'y', dtype: 'float32', shape: ['N', 4] }], initializers: b.initializers, nodes: b.nodes },
  };
}

const explainers: Explainer[] = [];
afterAll(async () => {
  for (const e of explainers) await e.close();
});

describe('older opsets', () => {
  it('an opset-11 model with attribute-style Squeeze/Unsqueeze explains like the same model without them', async () => {
    const x = { data: rng(4).normals(12), dims: [2, 6] };
    const results = [];
    for (const m of [model(11, true), model(11, false)]) {
      const e = await createExplainer(compileExplainer(m, { composite: builtinComposite('epsilon') }));
      explainers.push(e);
      results.push(await e.explain(x));
    }
    expect(Array.from(results[0].relevance)).toEqual(Array.from(results[1].relevance));
    expect(results[0].relevance.some((v) => v !== 0)).toBe(true);
  });
});
