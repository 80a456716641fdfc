/** Plausible audit records for the tests (not saved outputs: inputs). */
import type { AuditRecord } from '../../src/audit/record.js';

const hex = (c: string): string => c.repeat(64);

export function creditRecord(i: number, decisionTime = new Date(Date.UTC(2026, 10, 1, 9) + i * 3_600_000).toISOString()): AuditRecord {
  return {
    schema_version: 1,
    record_id: `credit:APP-${String(i).padStart(4, '0')}`,
    case_id: `APP-${String(i).padStart(4, '0')}`,
    decision_time: decisionTime,
    domain: 'credit',
    profile: 'us',
    status: 'reported',
    model: { name: 'german-credit-mlp', version: '1.0.0', sha256: hex('a'), threshold: 0.5 },
    software: { version: '0.1.0', lockfile_sha256: hex('b') },
    input_sha256: hex((i % 16).toString(16)),
    output: { decision: i % 3 === 0 ? 'refused' : 'approved', class: i % 3 === 0 ? 'bad' : 'good', probability: (i % 10) / 10 + 0.05, logit: i / 7 - 1 },
    explanation: {
      method: 'lrp',
      composite: 'epsilon',
      parameters: { epsilon: 1e-6 },
      seed: 'logit',
      target: 1,
      conservation_residual: 1.5e-7 * i,
      relevance_sha256: hex('c'),
      top: [{ name: 'duration_months', relevance: 0.31 }, { name: 'checking_status', relevance: -0.12 }],
    },
    domain_result: {
      reasons: [{ rank: 1, attribute: 'duration_months', statement_code: 'excessive_obligations', relevance: 0.31, adverse_relevance: 0.2 }],
      hints: { status: 'found', searched: 120, items: [{ changes: [{ attribute: 'duration_months', from: 48, to: 24 }], cost: 2, probability: 0.41 }] },
    },
    rendered: { template_version: 'credit-letters/1', documents: [{ name: 'adverse-action-letter', format: 'pdf', locale: 'en', sha256: hex('d') }] },
    escalations: [],
  };
}

export function dermatologyRecord(i: number): AuditRecord {
  const t = new Date(Date.UTC(2026, 10, 26, 9) + i * 60_000).toISOString();
  return {
    schema_version: 1,
    record_id: `dermatology:DERM-${i}`,
    case_id: `DERM-${i}`,
    decision_time: t,
    domain: 'dermatology',
    profile: null,
    status: 'escalated',
    model: { name: 'lesion-cnn', version: '2', sha256: hex('e'), threshold: 0.35 },
    software: { version: '0.1.0', lockfile_sha256: hex('b') },
    input_sha256: hex('f'),
    output: { decision: 'refer', class: 'suspicious', probability: 0.72, logit: null },
    explanation: {
      method: 'lrp',
      composite: 'epsilon-gamma-box',
      parameters: { low: -1, high: 1, gamma: 0.25 },
      seed: 'logit',
      target: 0,
      conservation_residual: -0.003,
      relevance_sha256: hex('1'),
      top: [{ name: 'lesion', relevance: 0.8 }],
    },
    domain_result: {
      abcd: {
        asymmetry: { score: 2, provenance: 'measured' },
        border: { score: 5, provenance: 'measured' },
        colour: { score: 3, provenance: 'measured' },
        structures: { score: null, provenance: 'not-assessed' },
      },
      tds: null,
      flags: [{ id: 'ink_marking', critical: true }],
      lesion_share: 0.48,
    },
    rendered: { template_version: 'dermatology/1', documents: [] },
    escalations: [{ code: 'shortcut_suspected', detail: 'Less than 55 % of |relevance| on the lesion.' }],
  };
}
