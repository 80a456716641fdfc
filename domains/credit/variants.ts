/**
 * An applicant's case with one attribute changed, re-scored by the model: what the guard tries for a proxy
 * (would another value approve?) and the reasons check for a stated attribute (would another value lower the
 * risk?). Every variant of a batch goes through one onnxruntime run.
 */
import type { TabularFeature } from '../../src/models/card.js';
import { encodeCase } from '../../src/models/tabular-encoder.js';
import type { CreditCase } from './case.js';
import type { CreditModel } from './model.js';

/** Grid points tried over a numeric range too wide to try each whole number. */
const GRID_POINTS = 9;

/**
 * An attribute's other values: every other level; or each whole number of its valid range when there are at most
 * 21, else GRID_POINTS evenly spaced over the range (whole numbers when its ends are).
 */
export function otherValues(feature: TabularFeature, value: string | number): (string | number)[] {
  if (feature.type === 'categorical') return feature.levels.filter((l) => l !== value);
  const [lo, hi] = feature.valid_range;
  const whole = Number.isInteger(lo) && Number.isInteger(hi);
  const values =
    whole && hi - lo <= 20
      ? Array.from({ length: hi - lo + 1 }, (_, i) => lo + i)
      : Array.from({ length: GRID_POINTS }, (_, i) => {
          const v = lo + ((hi - lo) * i) / (GRID_POINTS - 1);
          return whole ? Math.round(v) : v;
        });
  return values.filter((v) => v !== Number(value));
}

/**
 * The values a stated reason's attribute is re-scored with (would one of them have lowered the risk?): a numeric
 * one's other values on the other side of its statement (lower for "high", higher for "low"); a categorical one's
 * other levels that the lender ranks no worse (action.order, worst to best), and levels it does not rank. A level the
 * lender ranks worse lowering the risk does not make the applicant's level a reason to tell them.
 */
export function reasonAlternatives(feature: TabularFeature, value: string | number, direction: 'high' | 'low' | undefined, order: readonly (string | readonly string[])[] | undefined): (string | number)[] {
  const others = otherValues(feature, value);
  if (feature.type === 'numeric') return others.filter((v) => direction === undefined || (direction === 'high' ? Number(v) < Number(value) : Number(v) > Number(value)));
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
