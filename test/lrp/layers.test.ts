/**
 * Relevance of the parameter-free layers, each run alone in onnxruntime against a direct computation:
 * residual Add with broadcasting (norm rule), Concat, Pad, Transpose, Reshape, Squeeze/Unsqueeze.
 */
import { describe, expect, it } from 'vitest';
import { attr } from '../../src/onnx/builder.js';
import type { Attribute, Node, Tensor } from '../../src/onnx/ir.js';
import { int64Tensor } from '../../src/onnx/ir.js';
import { LAYER_HANDLERS } from '../../src/lrp/layers/index.js';
import { layerHandlerModel, runModel } from '../helpers/harness.js';
import { rng } from '../helpers/random.js';

const node = (opType: string, inputs: string[], attributes: Record<string, Attribute> = {}): Node => ({ name: `test_${opType}`, opType, domain: '', inputs, outputs: ['y'], attributes });
const count = (dims: readonly number[]) => dims.reduce((a, c) => a * c, 1);

async function relevanceOf(n: Node, inputs: Record<string, readonly number[]>, outDims: readonly number[], seed: number, initializers = new Map<string, Tensor>()) {
  const r = rng(seed);
  const feeds: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
  for (const [name, dims] of Object.entries(inputs)) feeds[name] = { data: r.normals(count(dims)), dims };
  const R = r.normals(count(outDims));
  const out = await runModel(layerHandlerModel(n, LAYER_HANDLERS[n.opType], inputs, initializers), { ...feeds, R: { data: R, dims: outDims } });
  return { feeds, R, out };
}

describe('parameter-free layers', () => {
  it('residual Add splits R in proportion (norm rule), summing over broadcast axes', async () => {
    const { feeds, R, out } = await relevanceOf(node('Add', ['a', 'b']), { a: [2, 3, 4, 5], b: [1, 3, 1, 1] }, [2, 3, 4, 5], 1);
    const a = feeds.a.data, b = feeds.b.data;
    const expectedB = new Float64Array(3);
    for (let i = 0; i < a.length; i++) {
      const c = Math.floor(i / 20) % 3;
      const y = a[i] + b[c];
      const s = R[i] / (y + (y >= 0 ? 1e-6 : -1e-6));
      expect(out.R_a[i]).toBeCloseTo(a[i] * s, 3);
      expectedB[c] += b[c] * s;
    }
    expectedB.forEach((v, c) => expect(out.R_b[c] / v).toBeCloseTo(1, 4));
  });

  it('Concat hands each input its own slice of R', async () => {
    const { R, out } = await relevanceOf(node('Concat', ['a', 'b'], { axis: attr.int(1) }), { a: [2, 2, 3], b: [2, 4, 3] }, [2, 6, 3], 2);
    for (let n = 0; n < 2; n++) for (let c = 0; c < 6; c++) for (let k = 0; k < 3; k++) {
      const value = R[(n * 6 + c) * 3 + k];
      if (c < 2) expect(out.R_a[(n * 2 + c) * 3 + k]).toBe(value);
      else expect(out.R_b[(n * 4 + c - 2) * 3 + k]).toBe(value);
    }
  });

  it('Pad (constant) crops R back to the input', async () => {
    const pads = [0, 0, 1, 2, 0, 0, 3, 1];
    const { R, out } = await relevanceOf(node('Pad', ['x', 'pads']), { x: [1, 2, 3, 4] }, [1, 2, 7, 7], 3, new Map([['pads', int64Tensor([8], pads)]]));
    for (let c = 0; c < 2; c++) for (let h = 0; h < 3; h++) for (let w = 0; w < 4; w++) {
      expect(out.R_x[(c * 3 + h) * 4 + w]).toBe(R[(c * 7 + h + 1) * 7 + w + 2]);
    }
  });

  it('Transpose, Reshape, Flatten, Squeeze and Unsqueeze move R back unchanged', async () => {
    const t = await relevanceOf(node('Transpose', ['x'], { perm: attr.ints([0, 2, 3, 1]) }), { x: [2, 3, 4, 5] }, [2, 4, 5, 3], 4);
    for (let n = 0; n < 2; n++) for (let c = 0; c < 3; c++) for (let h = 0; h < 4; h++) for (let w = 0; w < 5; w++) {
      expect(t.out.R_x[((n * 3 + c) * 4 + h) * 5 + w]).toBe(t.R[((n * 4 + h) * 5 + w) * 3 + c]);
    }
    const cases: [Node, Record<string, readonly number[]>, number[], Map<string, Tensor>][] = [
      [node('Reshape', ['x', 'shape']), { x: [2, 3, 4] }, [2, 12], new Map([['shape', int64Tensor([2], [2, -1])]])],
      [node('Flatten', ['x'], { axis: attr.int(1) }), { x: [2, 3, 4] }, [2, 12], new Map()],
      [node('Squeeze', ['x', 'axes']), { x: [2, 1, 4] }, [2, 4], new Map([['axes', int64Tensor([1], [1])]])],
      [node('Unsqueeze', ['x', 'axes']), { x: [2, 4] }, [2, 1, 4], new Map([['axes', int64Tensor([1], [1])]])],
    ];
    for (const [n, inputs, outDims, inits] of cases) {
      const { R, out } = await relevanceOf(n, inputs, outDims, 5, inits);
      expect(Array.from(out.R_x), n.opType).toEqual(Array.from(R));
    }
  });
});
