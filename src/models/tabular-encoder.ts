/**
 * Encodes a tabular case exactly as the training script did (models/credit/train.py): categorical attributes
 * one-hot in the card's level order, numeric ones (transform(x) − mean) / std. Every problem names the field;
 * nothing is defaulted.
 */
import { fail } from '../errors.js';
import type { TabularFeature, TabularPreprocessing } from './card.js';

export type CaseValue = string | number;
export type CaseRecord = Readonly<Record<string, unknown>>;

export function encodeCase(pre: TabularPreprocessing, record: CaseRecord, source = 'case'): Float32Array {
  const out = new Float32Array(pre.columns);
  let column = 0;
  for (const feature of pre.features) {
    // Own properties only: a crafted __proto__ or inherited field can never stand in for a value.
    if (!Object.prototype.hasOwnProperty.call(record, feature.name) || record[feature.name] === null || record[feature.name] === '') {
      fail(`${source}: missing field ${feature.name}`);
    }
    const value = record[feature.name];
    if (feature.type === 'categorical') {
      const index = feature.levels.indexOf(String(value));
      if (typeof value !== 'string' || index < 0) fail(`${source}: field ${feature.name} has unknown level ${JSON.stringify(value)}; known levels: ${feature.levels.map((l) => JSON.stringify(l)).join(', ')}`);
      out[column + index] = 1;
      column += feature.levels.length;
    } else {
      out[column] = encodeNumber(feature, value, source);
      column += 1;
    }
  }
  return out;
}

function encodeNumber(feature: Extract<TabularFeature, { type: 'numeric' }>, value: unknown, source: string): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(number)) fail(`${source}: field ${feature.name} must be a number (got ${JSON.stringify(value)})`);
  const [lo, hi] = feature.valid_range;
  if (number < lo || number > hi) fail(`${source}: field ${feature.name} = ${number} is outside its valid range [${lo}, ${hi}]`);
  const transformed = feature.transform === 'log' ? Math.log(number) : number;
  return (transformed - feature.mean) / feature.std;
}

/** Column names of the encoded vector ("attribute=level" for one-hot columns). */
export function columnNames(pre: TabularPreprocessing): string[] {
  return pre.features.flatMap((f) => (f.type === 'categorical' ? f.levels.map((l) => `${f.name}=${l}`) : [f.name]));
}
