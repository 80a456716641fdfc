/**
 * The reference population of Reg B commentary 9(b)(2)-5: the mean attribute relevance of applicants at or
 * slightly above the approval cut-off (`near-cutoff`: the approved applicants closest to the threshold) or of
 * all applicants (`all`). Reasons are ranked by how much more an attribute pushed this applicant toward
 * refusal than it pushed the reference applicants.
 */
import path from 'node:path';
import { fail } from '../../src/errors.js';
import { readUtf8File } from '../../src/io/read.js';
import { encodeCase } from '../../src/models/tabular-encoder.js';
import { attributeRelevance } from './attribution.js';
import type { CreditDomainConfig } from './config.js';
import { csvRecords } from '../../src/io/csv.js';
import type { CreditModel } from './model.js';
import { isRefused } from './model.js';

export interface Reference {
  readonly method: 'near-cutoff' | 'all';
  /** File name of the population (no path: the context may leave the machine). */
  readonly data: string;
  readonly count: number;
  /** Mean relevance per attribute, in card feature order. */
  readonly mean: readonly number[];
}

export async function buildReference(config: CreditDomainConfig, model: CreditModel): Promise<Reference | null> {
  const { method, data, count } = config.reference;
  if (method === 'none') return null;
  const file = data!;
  const records = csvRecords(readUtf8File(file, 'reference population'), file);
  const width = model.pre.columns;
  const rows = new Float32Array(records.length * width);
  records.forEach((r, i) => rows.set(encodeCase(model.pre, r, `${file} line ${i + 2}`), i * width));
  const probabilities = await model.score(rows, records.length);
  const candidates = records.map((_, i) => i);
  const members =
    method === 'all'
      ? candidates
      : candidates
          .filter((i) => !isRefused(probabilities[i], model.threshold))
          .sort((a, b) => probabilities[b] - probabilities[a])
          .slice(0, count ?? candidates.length);
  if (members.length === 0) fail(`${file}: no applicant of the reference population is approved by ${model.card.name}`);
  const batch = new Float32Array(members.length * width);
  members.forEach((i, k) => batch.set(rows.subarray(i * width, (i + 1) * width), k * width));
  const explanation = await model.explain(batch, members.length);
  const mean = new Array<number>(model.pre.features.length).fill(0);
  members.forEach((_, k) => attributeRelevance(model.pre, explanation.relevance, k).forEach((r, f) => (mean[f] += r / members.length)));
  return { method, data: path.basename(file), count: members.length, mean };
}
