import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordDigest, validateRecord } from '../../src/audit/record.js';
import { UserError } from '../../src/errors.js';
import { creditRecord, dermatologyRecord } from './fixtures.js';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const mutate = (rec: object, edit: (r: any) => void): unknown => {
  const r = clone(rec);
  edit(r);
  return r;
};

describe('audit record schema', () => {
  it('accepts a credit and a dermatology record', () => {
    expect(validateRecord(creditRecord(1)).record_id).toBe('credit:APP-0001');
    expect(validateRecord(dermatologyRecord(1)).domain).toBe('dermatology');
  });

  it('refuses with one line naming the field', () => {
    const cases: [unknown, RegExp][] = [
      [mutate(creditRecord(1), (r) => delete r.model.sha256), /model: missing field "sha256"/],
      [mutate(creditRecord(1), (r) => (r.image = 'data:image/png;base64,AAAA')), /unknown field "image"/],
      [mutate(creditRecord(1), (r) => (r.applicant_name = 'Jane Doe')), /unknown field "applicant_name"/],
      [mutate(creditRecord(1), (r) => (r.input_sha256 = 'ABC')), /input_sha256: must match pattern/],
      [mutate(creditRecord(1), (r) => (r.decision_time = '2026-11-01T10:00:00+01:00')), /decision_time: must match pattern/],
      [mutate(creditRecord(1), (r) => (r.decision_time = '2026-13-01T10:00:00Z')), /decision_time: must match format/],
      [mutate(creditRecord(1), (r) => (r.output.probability = 1.5)), /output.probability: must be <= 1/],
      [mutate(creditRecord(1), (r) => (r.schema_version = 2)), /schema_version/],
      // The domain decides the block: a credit record with dermatology results is refused, and vice versa.
      [mutate(creditRecord(1), (r) => (r.domain_result = dermatologyRecord(1).domain_result)), /domain_result: missing field "reasons"/],
      [mutate(dermatologyRecord(1), (r) => (r.domain_result = creditRecord(1).domain_result)), /domain_result: missing field "abcd"/],
      [mutate(dermatologyRecord(1), (r) => (r.domain_result.abcd.border.provenance = 'guessed')), /domain_result.abcd.border.provenance: must be one of/],
      [mutate(creditRecord(1), (r) => (r.domain = 'radiology')), /domain: must be one of/],
    ];
    for (const [value, message] of cases) {
      let error: unknown;
      try {
        validateRecord(value, 'record x');
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(/^record x: /);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('digest: SHA-256 of the canonical JSON, independent of key order', () => {
    const r = creditRecord(3);
    const reordered = Object.fromEntries(Object.entries(r).reverse()) as typeof r;
    expect(recordDigest(reordered)).toBe(recordDigest(r));
    // Independent reference: the canonical text of a tiny record-shaped object hashed by hand.
    const tiny = { b: [1, 'é'], a: 0.5 } as unknown as typeof r;
    expect(recordDigest(tiny)).toBe(createHash('sha256').update('{"a":0.5,"b":[1,"é"]}', 'utf8').digest('hex'));
    expect(recordDigest(creditRecord(4))).not.toBe(recordDigest(r));
  });
});
