/**
 * Principal reasons (Reg B 1002.9(b)(2)): attributes the model scored that pushed this applicant toward
 * refusal (relevance > 0) and, with a reference population, more than they pushed the reference applicants
 * (excess > 0); ranked by excess; of those, only attributes that counted against the applicant: another value of
 * theirs, the rest of the case unchanged, would have lowered the risk (assess.ts checks this with the model). A
 * present level's relevance is measured against "no level at all", so a level in the applicant's favour ("no
 * other installment plans") can carry positive relevance; stated as a reason, it would be a fact in their favour.
 * At most the profile's max_reasons.
 */
import type { CreditDomainConfig } from './config.js';
import type { AttributeEvidence } from './evidence.js';
import type { Basis } from './guard.js';

export interface Reason {
  readonly rank: number;
  readonly attribute: string;
  readonly label: string;
  readonly statement: string;
  readonly statement_code: string;
  /** The statement is worded as a Reg B Appendix C Form C-1 sample reason. */
  readonly form_c1: boolean;
  /** What the ranking used: relevance − reference mean (the relevance itself without a reference); > 0. */
  readonly adverse_relevance: number;
  /** This applicant's own relevance of the attribute; > 0. */
  readonly relevance: number;
  readonly basis: Basis | null;
}

/** Adverse attributes, most adverse first. */
export function rankAdverse(evidence: readonly AttributeEvidence[]): AttributeEvidence[] {
  return evidence.filter((e) => e.relevance > 0 && e.excess > 0).sort((a, b) => b.excess - a.excess || a.attribute.localeCompare(b.attribute));
}

/** The reasons from adverse attributes already ranked and checked (rankAdverse, then the counterfactual check). */
export function principalReasons(adverse: readonly AttributeEvidence[], config: CreditDomainConfig): Reason[] {
  return adverse.map((e, i) => ({
    rank: i + 1,
    attribute: e.attribute,
    label: e.label,
    statement: e.statement.text,
    statement_code: e.statement.code,
    form_c1: config.form_c1_reasons.includes(e.statement.text),
    adverse_relevance: e.excess,
    relevance: e.relevance,
    basis: e.basis,
  }));
}
