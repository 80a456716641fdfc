/** The configured statement for an attribute's value: per level (categorical) or high/low (numeric). */
import type { TabularFeature } from '../../src/models/card.js';
import { levelText, type AttributeConfig } from './config.js';

export interface Statement {
  /** Stable key for translation and audit: `attribute.high`, `attribute.low` or `attribute=level`. */
  readonly code: string;
  readonly text: string;
  /** A numeric value's side of the training average (what the statement says of it). */
  readonly direction?: 'high' | 'low';
}

/**
 * Numeric values are "high" above the training average (encoded value > 0), where epsilon-LRP's relevance
 * x·w takes the sign of w; "low" below it.
 */
export function statementFor(feature: TabularFeature, attribute: AttributeConfig, value: string | number, encoded: number): Statement {
  if (feature.type === 'numeric') {
    const direction = encoded > 0 ? 'high' : 'low';
    return { code: `${feature.name}.${direction}`, text: attribute.reason[direction]!, direction };
  }
  const level = String(value);
  const text = attribute.reason.levels?.[level] ?? attribute.reason.default!.replaceAll('{value}', levelText(attribute, level));
  return { code: `${feature.name}=${level}`, text };
}
