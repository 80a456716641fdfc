/**
 * From what a domain decided to the audit record: the plugin supplies the decision facts, the core adds the
 * identity (record id, software, lockfile) and, once the documents exist, their digests. The record holds no
 * wall-clock time, so the same decision always gives the same record and digest; when it was recorded is the
 * timestamp of the checkpoint that covers it.
 */
import fs from 'node:fs';
import { PACKAGE_VERSION, packagePath } from '../paths.js';
import { canonicalize } from './canonical.js';
import { sha256Hex } from './hash.js';
import type { AuditRecord } from './record.js';
import { validateRecord } from './record.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a plugin knows about its decision (DomainOutcome.audit). */
export type DecisionFacts = DistributiveOmit<AuditRecord, 'schema_version' | 'record_id' | 'software' | 'rendered'>;
/** The record without the digests of the documents it is rendered into: what a PDF carries inside itself. */
export type DecisionRecord = DistributiveOmit<AuditRecord, 'rendered'>;

let software: AuditRecord['software'] | undefined;

/** The package version and the SHA-256 of its lockfile: which code, with which dependencies, decided. */
export function softwareIdentity(): AuditRecord['software'] {
  software ??= {
    version: PACKAGE_VERSION,
    lockfile_sha256: sha256Hex(fs.readFileSync(packagePath('package-lock.json'))),
  };
  return software;
}

/** domain:case:hash of everything that makes this decision this decision (profile, time, input, model). */
export function recordId(facts: DecisionFacts): string {
  const key = canonicalize({ profile: facts.profile, decision_time: facts.decision_time, input: facts.input_sha256, model: facts.model.sha256 });
  return `${facts.domain}:${facts.case_id}:${sha256Hex(key).slice(0, 16)}`;
}

export function decisionRecord(facts: DecisionFacts): DecisionRecord {
  return { schema_version: 1, record_id: recordId(facts), software: softwareIdentity(), ...facts } as DecisionRecord;
}

export function completeRecord(decision: DecisionRecord, rendered: AuditRecord['rendered']): AuditRecord {
  return validateRecord({ ...decision, rendered }, `audit record ${decision.record_id}`);
}

/** The decision record as it is attached to a PDF: canonical JSON, UTF-8. */
export function decisionRecordBytes(decision: DecisionRecord): Uint8Array {
  return new TextEncoder().encode(canonicalize(decision));
}
