/** What the explanation says about each attribute of one applicant: value, relevance, reference, statement, basis. */
import type { TabularPreprocessing } from '../../src/models/card.js';
import { attributeRelevance, columnSpans } from './attribution.js';
import type { CreditCase } from './case.js';
import type { CreditDomainConfig } from './config.js';
import type { Basis } from './guard.js';
import { basisOf } from './guard.js';
import type { Reference } from './reference.js';
import type { Statement } from './statements.js';
import { statementFor } from './statements.js';

export interface AttributeEvidence {
  readonly attribute: string;
  readonly label: string;
  readonly unit?: string;
  readonly value: string | number;
  /** Σ relevance of the attribute's columns, logit units; > 0 pushes toward refusal. */
  readonly relevance: number;
  /** The reference population's mean relevance of this attribute, or null without a reference. */
  readonly reference: number | null;
  /** What reasons are ranked by: relevance − reference (relevance without a reference). */
  readonly excess: number;
  readonly statement: Statement;
  readonly basis: Basis | null;
}

export function attributeEvidence(
  config: CreditDomainConfig,
  pre: TabularPreprocessing,
  creditCase: CreditCase,
  encoded: Float32Array,
  relevance: Float32Array,
  n: number,
  reference: Reference | null,
): AttributeEvidence[] {
  const spans = columnSpans(pre);
  const sums = attributeRelevance(pre, relevance, n);
  return pre.features.map((feature, f) => {
    const attribute = config.attributes[feature.name];
    const raw = creditCase.attributes[feature.name];
    const value = feature.type === 'numeric' ? Number(raw) : String(raw);
    const ref = reference ? reference.mean[f] : null;
    return {
      attribute: feature.name,
      label: attribute.label,
      ...(attribute.unit ? { unit: attribute.unit } : {}),
      value,
      relevance: sums[f],
      reference: ref,
      excess: sums[f] - (ref ?? 0),
      statement: statementFor(feature, attribute, value, encoded[spans[f][0]]),
      basis: basisOf(config, feature.name),
    };
  });
}
