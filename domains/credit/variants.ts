/**
 * An applicant's case with one attribute changed, re-scored by the model: what the guard tries for a proxy
 * (would another value approve?) and the reasons check for a stated attribute (would another value lower the
 * risk?). Every variant of a batch goes through one onnxruntime run.
 */
import type { TabularFeature } from '../../src/models/card.js';
import { encodeCase } from '../../src/models/tabular-encoder.js';
import type { CreditCase } from './case.js';
import type { CreditModel } from './model.js';

/** Grid points tried over a numeric range too wide to try each whole number, and how many training SDs it spans each way. */
const GRID_POINTS = 9;
const GRID_SDS = 3;

/**
 * An attribute's other values: every other level; or each whole number of its valid range when there are at most
 * 21; else GRID_POINTS evenly spaced, in the model's input scale (log for a log-transformed attribute), over where
 * the training data lies (mean ± 3 SD) within the valid range, whole numbers when the range's ends are. A grid over
 * the whole valid range tried a credit amount of 1 and of 125,001 (range 1 to 1,000,000; the data: 250 to 18,424).
 */
export function otherValues(feature: TabularFeature, value: string | number): (string | number)[] {
  if (feature.type === 'categorical') return feature.levels.filter((l) => l !== value);
  const [lo, hi] = feature.valid_range;
  const whole = Number.isInteger(lo) && Number.isInteger(hi);
  if (whole && hi - lo <= 20) return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).filter((v) => v !== Number(value));
  const log = feature.transform === 'log';
  const [forward, back] = log ? [Math.log, Math.exp] : [(v: number) => v, (v: number) => v];
  const from = Math.max(log && lo <= 0 ? -Infinity : forward(lo), feature.mean - GRID_SDS * feature.std);
  const to = Math.min(forward(hi), feature.mean + GRID_SDS * feature.std);
  const values = Array.from({ length: GRID_POINTS }, (_, i) => {
    const v = Math.min(hi, Math.max(lo, back(from + ((to - from) * i) / (GRID_POINTS - 1))));
    return whole ? Math.round(v) : v;
  });
  return [...new Set(values)].filter((v) => v !== Number(value));
}

/**
 * The values a stated reason's attribute is re-scored with (would one of them have lowered the risk?): a numeric
 * one's other values on the other side of its statement (lower for "high", higher for "low") and, if the lender says
 * which way is better (action.direction), that way; a categorical one's other levels that the lender ranks no worse
 * (levelOrder, worst to best), and levels it does not rank. A value the lender ranks worse lowering the risk does not
 * make the applicant's value a reason to tell them.
 */
export function reasonAlternatives(feature: TabularFeature, value: string | number, direction: 'high' | 'low' | undefined, order: readonly (string | readonly string[])[] | undefined, better?: 'increase-only' | 'decrease-only'): (string | number)[] {
  const others = otherValues(feature, value);
  if (feature.type === 'numeric') {
    const x = Number(value);
    return others.filter((v) => (direction === undefined || (direction === 'high' ? Number(v) < x : Number(v) > x)) && (better === undefined || (better === 'increase-only' ? Number(v) > x : Number(v) < x)));
  }
  const rank = (level: string | number): number => (order ?? []).findIndex((group) => (typeof group === 'string' ? group === level : group.includes(String(level))));
  const current = rank(value);
  return others.filter((v) => current < 0 || rank(v) < 0 || rank(v) >= current);
}

export interface Variant {
  readonly creditCase: CreditCase;
  /** Named in error messages. */
  readonly source: string;
  readonly attribute: string;
  readonly value: string | number;
}

/** The model's probability of refusal for each variant, in one run. */
export async function scoreVariants(model: CreditModel, variants: readonly Variant[]): Promise<Float32Array> {
  const { pre } = model;
  const rows = new Float32Array(variants.length * pre.columns);
  variants.forEach((v, k) => rows.set(encodeCase(pre, { ...v.creditCase.attributes, [v.attribute]: v.value }, v.source), k * pre.columns));
  return variants.length === 0 ? new Float32Array(0) : model.score(rows, variants.length);
}
