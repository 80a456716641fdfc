/**
 * The audit record: one per decision, validated against schemas/audit-record.schema.json before it is
 * written, and identified by its digest, SHA-256 of its RFC 8785 canonical JSON. Digests only: the record
 * never holds raw personal data or images (the schema admits no field that could carry them).
 */
import { validateWith } from '../schemas/validate.js';
import { canonicalize } from './canonical.js';
import { sha256Hex } from './hash.js';

export const AUDIT_RECORD_SCHEMA = 'audit-record.schema.json';

export type Sha256Hex = string;
export type AbcdProvenance = 'measured' | 'clinician' | 'not-assessed';

export interface AbcdScore {
  readonly score: number | null;
  readonly provenance: AbcdProvenance;
}

export interface CreditResult {
  readonly reasons: readonly {
    readonly rank: number;
    readonly attribute: string;
    readonly statement_code: string;
    readonly relevance: number;
    readonly adverse_relevance: number;
  }[];
  readonly hints: {
    readonly status: 'found' | 'none-feasible' | 'not-applicable';
    readonly searched: number;
    readonly items: readonly {
      readonly changes: readonly { readonly attribute: string; readonly from: string | number; readonly to: string | number }[];
      readonly cost: number;
      /** Re-scored by the model for the changed case. */
      readonly probability: number;
    }[];
  };
}

export interface DermatologyResult {
  readonly abcd: { readonly asymmetry: AbcdScore; readonly border: AbcdScore; readonly colour: AbcdScore; readonly structures: AbcdScore };
  readonly tds: number | null;
  readonly flags: readonly { readonly id: string; readonly critical: boolean }[];
  readonly lesion_share: number | null;
}

interface RecordBase {
  readonly schema_version: 1;
  readonly record_id: string;
  readonly case_id: string;
  /** RFC 3339 UTC ("…Z"). */
  readonly decision_time: string;
  readonly profile: string | null;
  readonly status: 'reported' | 'escalated';
  readonly model: { readonly name: string; readonly version: string; readonly sha256: Sha256Hex; readonly threshold: number };
  readonly software: { readonly version: string; readonly lockfile_sha256: Sha256Hex };
  readonly input_sha256: Sha256Hex;
  readonly output: { readonly decision: string; readonly class: string; readonly probability: number; readonly logit: number | null };
  readonly explanation: {
    readonly method: 'lrp' | 'gradient' | 'gradient-x-input';
    readonly composite: string | null;
    readonly parameters: Readonly<Record<string, number | readonly number[]>>;
    readonly seed: 'logit' | 'one-hot';
    readonly target: number;
    readonly conservation_residual: number;
    readonly relevance_sha256: Sha256Hex;
    readonly top: readonly { readonly name: string; readonly relevance: number }[];
  };
  readonly rendered: {
    readonly template_version: string;
    readonly documents: readonly { readonly name: string; readonly format: 'pdf' | 'html'; readonly locale: string; readonly sha256: Sha256Hex }[];
  };
  readonly escalations: readonly { readonly code: string; readonly detail: string }[];
}

/** `domain` decides which block `domain_result` is (the schema checks the pair). */
export type AuditRecord = (RecordBase & { readonly domain: 'credit'; readonly domain_result: CreditResult }) | (RecordBase & { readonly domain: 'dermatology'; readonly domain_result: DermatologyResult });

/** Throws a UserError naming `source` and the first offending field. */
export function validateRecord(value: unknown, source = 'audit record'): AuditRecord {
  return validateWith<AuditRecord>(AUDIT_RECORD_SCHEMA, value, source);
}

/** SHA-256 (hex) of the record's canonical JSON: the record's identity in the log's Merkle tree and in PDFs. */
export function recordDigest(record: AuditRecord): Sha256Hex {
  return sha256Hex(canonicalize(record));
}
