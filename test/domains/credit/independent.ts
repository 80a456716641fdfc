/**
 * Independent references for the credit tests: the model run directly with onnxruntime, and LRP-epsilon in
 * float64 written from lrp-spec.md over the ONNX weights (a chain of Gemm [+ ReLU] ending in Sigmoid). Nothing
 * here uses domains/credit, so agreement is evidence.
 */
import fs from 'node:fs';
import ort from 'onnxruntime-node';
import type { CaseRecord } from '../../../src/models/tabular-encoder.js';
import { encodeCase } from '../../../src/models/tabular-encoder.js';
import type { TabularPreprocessing } from '../../../src/models/card.js';
import { floatValues } from '../../../src/onnx/ir.js';
import { loadModelFile } from '../../../src/onnx/load.js';

export function readCsv(file: string): Record<string, string>[] {
  // The German Credit CSV quotes fields that hold commas; no field holds a quote or a newline.
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/).map((line) => line.match(/("[^"]*"|[^,]*)(,|$)/g)!.slice(0, -1).map((f) => f.replace(/,$/, '').replace(/^"(.*)"$/, '$1')));
  return lines.map((fields) => Object.fromEntries(header.map((h, i) => [h, fields[i]])));
}

export async function scoreDirect(modelPath: string, pre: TabularPreprocessing, outputName: string, records: readonly CaseRecord[]): Promise<number[]> {
  const session = await ort.InferenceSession.create(modelPath);
  const data = new Float32Array(records.length * pre.columns);
  records.forEach((r, i) => data.set(encodeCase(pre, r, `record ${i}`), i * pre.columns));
  const out = await session.run({ [pre.input]: new ort.Tensor('float32', data, [records.length, pre.columns]) });
  await session.release();
  return Array.from(out[outputName].data as Float32Array);
}

interface Dense {
  readonly w: Float64Array; // [out, in]
  readonly b: Float64Array;
  readonly out: number;
  readonly inp: number;
}

/** The Gemm layers of a Gemm/ReLU/…/Sigmoid chain (transB = 1, as torch and the credit-lite script export). */
export function denseLayers(modelPath: string): Dense[] {
  const graph = loadModelFile(modelPath).graph;
  return graph.nodes
    .filter((n) => n.opType === 'Gemm')
    .map((n) => {
      const w = graph.initializers.get(n.inputs[1])!;
      return { w: Float64Array.from(floatValues(w)), b: Float64Array.from(floatValues(graph.initializers.get(n.inputs[2])!)), out: w.dims[0], inp: w.dims[1] };
    });
}

/** LRP-epsilon (z + ε·sign z, bias in z), seeded with the logit; returns [logit, input relevance]. */
export function lrpEpsilon(layers: readonly Dense[], x: ArrayLike<number>, epsilon: number): { logit: number; relevance: Float64Array } {
  const activations: Float64Array[] = [Float64Array.from(x)];
  const pre: Float64Array[] = [];
  layers.forEach((l, k) => {
    const a = activations[k];
    const z = new Float64Array(l.out);
    for (let j = 0; j < l.out; j++) {
      let s = l.b[j];
      for (let i = 0; i < l.inp; i++) s += l.w[j * l.inp + i] * a[i];
      z[j] = s;
    }
    pre.push(z);
    activations.push(k < layers.length - 1 ? z.map((v) => Math.max(0, v)) : z);
  });
  let relevance = Float64Array.from(pre[pre.length - 1]);
  for (let k = layers.length - 1; k >= 0; k--) {
    const l = layers[k];
    const a = activations[k];
    const next = new Float64Array(l.inp);
    for (let j = 0; j < l.out; j++) {
      const s = relevance[j] / (pre[k][j] + epsilon * (pre[k][j] >= 0 ? 1 : -1));
      for (let i = 0; i < l.inp; i++) next[i] += a[i] * l.w[j * l.inp + i] * s;
    }
    relevance = next;
  }
  return { logit: pre[pre.length - 1][0], relevance };
}

/** Per attribute: Σ of its columns. */
export function perAttribute(pre: TabularPreprocessing, relevance: ArrayLike<number>): Map<string, number> {
  const out = new Map<string, number>();
  let c = 0;
  for (const f of pre.features) {
    const width = f.type === 'categorical' ? f.levels.length : 1;
    let s = 0;
    for (let i = 0; i < width; i++) s += relevance[c + i];
    out.set(f.name, s);
    c += width;
  }
  return out;
}
