/**
 * The cases an evaluation runs on, as the model's input tensor: synthetic lesions for an image card
 * (`synthetic:SEED:N`, the generator's images seeded exactly like `lrp-report synth lesions --seed SEED`),
 * rows of a CSV of attributes for a tabular card (`csv:FILE[:N]`, the first N rows). Also the reference
 * values that stand for "removed" (IG baseline, occlusion and perturbation fill): for tabular inputs the
 * population mean of the encoded columns over every row of the file.
 */
import fs from 'node:fs';
import { generateLesion, imageSeed } from '../../domains/dermatology/synthetic/generator.js';
import { fail, systemReason } from '../errors.js';
import { imageToTensor } from '../imaging/image-input.js';
import { csvRecords } from '../io/csv.js';
import type { InputBatch } from '../lrp/explainer.js';
import type { ImagePreprocessing, ModelCard, TabularPreprocessing } from '../models/card.js';
import { encodeCase } from '../models/tabular-encoder.js';

export interface Cases {
  readonly ids: readonly string[];
  readonly input: InputBatch;
  /** One sample's worth of reference values, for tabular cases; image cases use a constant fill. */
  readonly populationMean?: Float32Array;
}

export type CasesSpec = { readonly kind: 'synthetic'; readonly seed: number; readonly n: number } | { readonly kind: 'csv'; readonly file: string; readonly n?: number };

export function parseCasesSpec(text: string): CasesSpec {
  const synthetic = /^synthetic:(\d+):(\d+)$/.exec(text);
  if (synthetic && Number(synthetic[2]) > 0) return { kind: 'synthetic', seed: Number(synthetic[1]), n: Number(synthetic[2]) };
  const csv = /^csv:(.+?)(?::(\d+))?$/.exec(text);
  if (csv && (csv[2] === undefined || Number(csv[2]) > 0)) return { kind: 'csv', file: csv[1], ...(csv[2] ? { n: Number(csv[2]) } : {}) };
  fail(`--cases ${text}: expected synthetic:SEED:N (image models) or csv:FILE[:N] (tabular models)`);
}

export async function loadCases(card: ModelCard, spec: CasesSpec): Promise<Cases> {
  const pre = card.preprocessing;
  if (pre.kind === 'image') {
    if (spec.kind !== 'synthetic') fail(`--cases: the image model ${card.name} takes synthetic:SEED:N`);
    return lesionCases(pre, spec.seed, spec.n);
  }
  if (spec.kind !== 'csv') fail(`--cases: the tabular model ${card.name} takes csv:FILE[:N]`);
  return tabularCases(pre, spec.file, spec.n);
}

async function lesionCases(pre: ImagePreprocessing, seed: number, n: number): Promise<Cases> {
  const ids: string[] = [];
  const parts: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const lesion = generateLesion(imageSeed(seed, i));
    const { tensor } = await imageToTensor({ width: lesion.width, height: lesion.height, rgb: lesion.rgb }, pre);
    ids.push(lesion.truth.id);
    parts.push(tensor);
  }
  return { ids, input: { data: concat(parts), dims: [n, 3, pre.size[0], pre.size[1]] } };
}

function tabularCases(pre: TabularPreprocessing, file: string, n: number | undefined): Cases {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    fail(`--cases: cannot read ${file}: ${systemReason(e)}`);
  }
  const records = csvRecords(text, file);
  const rows = records.map((r, i) => encodeCase(pre, r, `${file} line ${i + 2}`));
  const populationMean = new Float32Array(pre.columns);
  for (const row of rows) row.forEach((v, j) => (populationMean[j] += v / rows.length));
  const count = Math.min(n ?? rows.length, rows.length);
  return {
    ids: Array.from({ length: count }, (_, i) => `line ${i + 2}`),
    input: { data: concat(rows.slice(0, count)), dims: [count, pre.columns] },
    populationMean,
  };
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((offset, p) => (out.set(p, offset), offset + p.length), 0);
  return out;
}
