/** The officer report's top factors: the attributes with the largest |relevance| for this applicant, either sign. */
import type { CreditDomainConfig } from './config.js';
import type { AttributeEvidence } from './evidence.js';
import type { Basis } from './guard.js';

export interface Factor {
  readonly rank: number;
  readonly attribute: string;
  readonly label: string;
  readonly unit?: string;
  readonly value: string | number;
  /** Signed, logit units: > 0 pushed toward refusal (adverse), < 0 toward approval (favorable). */
  readonly relevance: number;
  readonly reference_relevance: number | null;
  readonly direction: 'adverse' | 'favorable';
  readonly statement: string;
  readonly statement_code: string;
  /** factor_phrases[direction], e.g. "raised the estimated risk". */
  readonly effect: string;
  readonly basis: Basis | null;
}

export function topFactors(evidence: readonly AttributeEvidence[], config: CreditDomainConfig): Factor[] {
  return [...evidence]
    .sort((a, b) => Math.abs(b.relevance) - Math.abs(a.relevance) || a.attribute.localeCompare(b.attribute))
    .slice(0, config.top_factors)
    .map((e, i) => {
      const direction = e.relevance > 0 ? 'adverse' : 'favorable';
      return {
        rank: i + 1,
        attribute: e.attribute,
        label: e.label,
        ...(e.unit ? { unit: e.unit } : {}),
        value: e.value,
        relevance: e.relevance,
        reference_relevance: e.reference,
        direction,
        statement: e.statement.text,
        statement_code: e.statement.code,
        effect: config.factor_phrases[direction],
        basis: e.basis,
      };
    });
}
