/** The report context: plain JSON that the renderers (letters, officer report) and `--json` consume. */
import type { Party, ProfileConfig } from './config.js';
import type { Factor } from './factors.js';
import type { Escalation } from './guard.js';
import type { HintResult } from './hints.js';
import type { Reason } from './reasons.js';

export const CONTEXT_SCHEMA = 'lrp-report/credit-context@1';

export interface CreditContext {
  readonly schema: typeof CONTEXT_SCHEMA;
  readonly case: {
    readonly id: string | null;
    readonly applicant: { readonly name: string | null; readonly address: string | null };
    readonly date: string | null;
    /** Case attributes the model does not use: never fed to it. */
    readonly unused_attributes: readonly string[];
  };
  readonly profile: ProfileConfig & { readonly id: string };
  readonly lender: Party;
  readonly model: {
    readonly name: string;
    readonly version: string;
    readonly sha256: string;
    readonly positive_class: string;
    readonly training_data: string;
  };
  readonly decision: {
    readonly outcome: 'approved' | 'refused';
    /** Probability of `positive_class` (the refused class). */
    readonly probability: number;
    readonly threshold: number;
    readonly rule: string;
  };
  readonly explanation: {
    readonly method: 'lrp';
    readonly composite: string;
    readonly params: Readonly<Record<string, unknown>>;
    readonly seed: 'logit';
    readonly target: string;
    readonly sign: string;
    /** The risk logit the relevance distributes, Σ attribute relevance, and what biases and stabilizers kept. */
    readonly logit: number;
    readonly relevance_sum: number;
    readonly conservation_residual: number;
    /** SHA-256 of this applicant's relevance over the model's input columns (float32, little-endian). */
    readonly relevance_sha256: string;
    /** SHA-256 of the encoded model input (float32, little-endian): the input, identified without personal data. */
    readonly input_sha256: string;
    readonly reference: { readonly method: 'near-cutoff' | 'all'; readonly data: string; readonly count: number } | null;
  };
  readonly factors: readonly Factor[];
  /** Refused applicants only; empty when approved. */
  readonly reasons: readonly Reason[];
  /**
   * Adverse by relevance and ranked among the reasons, but not stated: no value of the attribute the lender ranks no
   * worse lowers the model's risk (a fact in the applicant's favour as the lender sees it, or a model inconsistency).
   */
  readonly reasons_not_stated: readonly { readonly attribute: string; readonly statement_code: string; readonly why: NotStatedWhy }[];
  readonly hints: HintResult | { readonly status: 'not-applicable'; readonly hints: readonly []; readonly searched: 0; readonly disclaimer: string };
  readonly escalation: Escalation | null;
  readonly letter: { readonly status: 'not-applicable' | 'ready' | 'blocked'; readonly why: string };
}

/**
 * Why an adverse attribute is not stated: the applicant's value is the best the lender ranks (`best-ranked`), or the
 * values it ranks as good or better are not less risky to the model (`better-not-less-risky`: a model inconsistency).
 */
export type NotStatedWhy = 'best-ranked' | 'better-not-less-risky';

