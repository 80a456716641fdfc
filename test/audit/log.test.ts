import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/audit/canonical.js';
import { checkpointProblem, isUtcTime, signCheckpoint } from '../../src/audit/checkpoint.js';
import { generateAuditKeyPair, keyId, keyRing, loadPrivateKey, loadPublicKey } from '../../src/audit/keys.js';
import { appendRecords, openLogWriter, verifyLog } from '../../src/audit/log.js';
import { exportBundle, proveConsistency, proveInclusion, verifyBundle, verifyConsistencyProof, verifyInclusionProof, type AuditBundle, type InclusionProof } from '../../src/audit/proof.js';
import { recordDigest, type AuditRecord } from '../../src/audit/record.js';
import { UserError } from '../../src/errors.js';
import { creditRecord, dermatologyRecord } from './fixtures.js';
import { naiveMth } from './naive.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lrp-audit-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => path.join(dir, `log-${n++}.jsonl`);
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
const lines = (file: string): Record<string, any>[] => fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
const batch = (from: number, count: number): AuditRecord[] => Array.from({ length: count }, (_, i) => (i % 4 === 3 ? dermatologyRecord(from + i) : creditRecord(from + i)));

describe('keys', () => {
  it('key id: first 16 hex of SHA-256 of the raw public key; PEM round trip', () => {
    const pair = generateAuditKeyPair();
    const pub = loadPublicKey(pair.publicKeyPem, 'pub.pem');
    const priv = loadPrivateKey(pair.privateKeyPem, 'key.pem');
    // The raw key is the last 32 bytes of the 44-byte SPKI DER of an Ed25519 key (RFC 8410).
    const der = pub.export({ type: 'spki', format: 'der' });
    expect(der.length).toBe(44);
    expect(pair.keyId).toBe(sha(der.subarray(12)).slice(0, 16));
    expect(keyId(priv)).toBe(pair.keyId);
    expect(() => loadPublicKey(pair.privateKeyPem.replace(/PRIVATE/g, 'PUBLIC'), 'x.pem')).toThrow(UserError);
    expect(() => loadPrivateKey(pair.publicKeyPem, 'pub.pem')).toThrow(/pub.pem: not a PEM private key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' });
    expect(() => loadPublicKey(rsa, 'rsa.pem')).toThrow(/Ed25519 key is required/);
  });
});

describe('append and verify', () => {
  it('writes the documented format: canonical lines, chain from 64 zeros, signed checkpoints over record digests', () => {
    const file = fresh();
    const first = batch(0, 5);
    const second = batch(5, 3);
    appendRecords(file, first, { key: privateKey, timestamp: '2026-11-26T10:00:00Z' });
    const result = appendRecords(file, second, { key: privateKey, timestamp: '2026-11-26T11:00:00Z' });
    expect(result.size).toBe(8);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const ls = lines(file);
    expect(ls.map((l) => l.type)).toEqual([...Array(5).fill('record'), 'checkpoint', ...Array(3).fill('record'), 'checkpoint']);
    text.trimEnd().split('\n').forEach((raw, i) => {
      expect(raw).toBe(canonicalize(JSON.parse(raw)));
      const { digest, ...rest } = ls[i];
      expect(digest).toBe(sha(canonicalize(rest)));
      expect(rest.prev).toBe(i === 0 ? '0'.repeat(64) : ls[i - 1].digest);
    });
    expect(ls.filter((l) => l.type === 'record').map((l) => l.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    // Checkpoint roots: the naive RFC 6962 head over the raw 32-byte record digests; signature over the documented bytes.
    const digests = [...first, ...second].map((r) => Buffer.from(sha(canonicalize(r)), 'hex'));
    expect(result.digests).toEqual(digests.slice(5).map((d) => d.toString('hex')));
    for (const [line, size] of [[ls[5], 5], [ls[9], 8]] as const) {
      const cp = line.checkpoint;
      expect(cp.size).toBe(size);
      expect(cp.root).toBe(naiveMth(digests.slice(0, size)).toString('hex'));
      expect(cp.key_id).toBe(keyId(publicKey));
      const message = `lrp-report audit checkpoint v1\n{"key_id":"${cp.key_id}","root":"${cp.root}","size":${size},"timestamp":"${cp.timestamp}"}`;
      expect(verify(null, Buffer.from(message), publicKey, Buffer.from(cp.signature, 'hex'))).toBe(true);
    }
    expect(verifyLog(file, publicKey, { keep: () => true })).toEqual({ ok: true, size: 8, records: [...first, ...second], checkpoints: 2, reason: '8 records, 2 checkpoints verified' });
  });

  it('refuses invalid and duplicate records and writes nothing', () => {
    const file = fresh();
    appendRecords(file, batch(0, 2), { key: privateKey });
    const before = fs.readFileSync(file);
    const bad = { ...creditRecord(9), input_sha256: 'raw applicant data' } as AuditRecord;
    expect(() => appendRecords(file, [creditRecord(8), bad], { key: privateKey })).toThrow(/audit record 2 of 2: input_sha256/);
    expect(() => appendRecords(file, [creditRecord(1)], { key: privateKey })).toThrow(/credit:APP-0001 is already in/);
    expect(() => appendRecords(file, [creditRecord(7), creditRecord(7)], { key: privateKey })).toThrow(/already/);
    const surrogate = { ...creditRecord(6), escalations: [{ code: 'x', detail: 'bad \ud800' }] } as AuditRecord;
    expect(() => appendRecords(file, [surrogate], { key: privateKey })).toThrow(/lone surrogate/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('records without a checkpoint do not verify, and are signed only once a writer vouches for each', () => {
    const file = fresh();
    appendRecords(file, batch(0, 3), { key: privateKey });
    appendRecords(file, batch(3, 2)); // no key: as after a crash between records and checkpoint
    expect(verifyLog(file, publicKey)).toMatchObject({ ok: false, firstBadSeq: 3, firstBadRecordId: 'credit:APP-0003', reason: expect.stringMatching(/records 3..4 are not covered/) });
    // The records it returns are those vouched for: before the first bad one.
    expect(verifyLog(file, publicKey, { keep: () => true }).records.map((r) => r.record_id)).toEqual(batch(0, 3).map((r) => r.record_id));
    // Only those asked for (a log may hold millions), and none unless asked.
    expect(verifyLog(file, publicKey, { keep: (r) => r.record_id === 'credit:APP-0001' }).records.map((r) => r.record_id)).toEqual(['credit:APP-0001']);
    expect(verifyLog(file, publicKey).records).toEqual([]);
    // A writer that did not make them signs nothing (they could have been added by anyone who can write the file).
    expect(() => appendRecords(file, [], { key: privateKey })).toThrow(/record #3 \(credit:APP-0003\) is signed by no checkpoint and was not made again by this run, so nothing is signed/);
    expect(() => appendRecords(file, batch(5, 1), { key: privateKey })).toThrow(/record #3 /);
    const writer = openLogWriter(file);
    expect(writer.unvouched()).toEqual([{ seq: 3, recordId: 'credit:APP-0003' }, { seq: 4, recordId: 'credit:APP-0004' }]);
    // The same decision with another content does not vouch; the same record does.
    expect(writer.vouchFor({ ...batch(3, 1)[0], case_id: 'SOMEONE-ELSE' } as AuditRecord)).toBe(false);
    expect(writer.vouchFor(batch(3, 1)[0])).toBe(true);
    expect(writer.vouchFor(batch(0, 1)[0])).toBe(true); // signed already
    expect(writer.vouchFor(batch(9, 1)[0])).toBe(false); // not in the log
    expect(() => writer.append([], { key: privateKey })).toThrow(/record #4 /);
    expect(writer.vouchFor(batch(4, 1)[0])).toBe(true);
    expect(writer.allSigned()).toBe(false);
    expect(writer.append([], { key: privateKey }).checkpoint?.size).toBe(5);
    expect(writer.allSigned()).toBe(true);
    expect(verifyLog(file, publicKey)).toMatchObject({ ok: true, size: 5, checkpoints: 2 });
    expect(appendRecords(file, [], { key: privateKey }).checkpoint).toBeNull(); // nothing new to sign
    // Records this writer appends itself are its own to sign.
    const own = openLogWriter(file);
    own.append(batch(5, 2));
    expect(own.append([], { key: privateKey }).checkpoint?.size).toBe(7);
  });

  it('a record forged onto the end of the log (chain recomputed) is never signed by the next run, and an operator can seal after checking', () => {
    const file = fresh();
    appendRecords(file, batch(0, 3), { key: privateKey });
    const honest = lines(file);
    const last = honest.at(-1)!;
    const forged = { ...creditRecord(40), case_id: 'FORGED' } as AuditRecord;
    const line: Record<string, unknown> = { prev: last.digest, record: forged, seq: 3, type: 'record' };
    line.digest = sha(canonicalize(line));
    fs.appendFileSync(file, `${canonicalize(line)}\n`);
    expect(() => appendRecords(file, batch(3, 1), { key: privateKey })).toThrow(/record #3 \(credit:APP-0040\) is signed by no checkpoint/);
    expect(lines(file)).toHaveLength(honest.length + 1); // nothing written
    expect(verifyLog(file, publicKey, { unsignedTail: true })).toMatchObject({ ok: true, size: 4 });
    const writer = openLogWriter(file);
    expect(writer.acceptUnsigned().map((r) => r.case_id)).toEqual(['FORGED']);
    expect(writer.append([], { key: privateKey }).checkpoint?.size).toBe(4);
  });

  it("a writer does not extend a log whose last checkpoint is not its records' head or does not verify under its key", () => {
    const file = fresh();
    appendRecords(file, batch(0, 3), { key: privateKey });
    // A signed record edited, the chain recomputed (the checkpoint's root no longer matches).
    const ls = lines(file);
    ls[1].record.output.probability = 0.01;
    let prev = ls[0].prev as string;
    for (const l of ls) {
      l.prev = prev;
      delete l.digest;
      l.digest = sha(canonicalize(l));
      prev = l.digest;
    }
    fs.writeFileSync(file, `${ls.map((l) => canonicalize(l)).join('\n')}\n`);
    expect(() => appendRecords(file, batch(3, 1), { key: privateKey })).toThrow(/its last checkpoint is not the head of its records/);
    // A checkpoint that names this key with a signature that does not verify.
    const file2 = fresh();
    appendRecords(file2, batch(0, 2), { key: privateKey });
    const ls2 = lines(file2);
    const cp = ls2.at(-1)!;
    cp.checkpoint.signature = cp.checkpoint.signature.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    delete cp.digest;
    cp.digest = sha(canonicalize(cp));
    fs.writeFileSync(file2, `${ls2.map((l) => canonicalize(l)).join('\n')}\n`);
    expect(() => appendRecords(file2, batch(2, 1), { key: privateKey })).toThrow(/its last checkpoint does not verify \(checkpoint signature does not verify\)/);
  });

  it('a writer skims the signed records for what it keeps (ids, documents, tree) and still never signs over one that was altered', () => {
    const file = fresh();
    const records = batch(0, 6);
    appendRecords(file, records.slice(0, 4), { key: privateKey });
    appendRecords(file, records.slice(4));
    const writer = openLogWriter(file);
    for (const r of records) {
      expect(writer.has(r.record_id)).toBe(true);
      expect(writer.hasRendering(r.record_id, r.rendered)).toBe(true);
      expect(writer.hasRendering(r.record_id, { ...r.rendered, template_version: 'other' })).toBe(false);
    }
    expect(writer.unvouched()).toEqual([{ seq: 4, recordId: records[4].record_id }, { seq: 5, recordId: records[5].record_id }]);
    expect(writer.vouchFor(records[4]) && writer.vouchFor(records[5])).toBe(true);
    expect(writer.append([], { key: privateKey }).checkpoint?.size).toBe(6);
    expect(verifyLog(file, publicKey)).toMatchObject({ ok: true, size: 6 });

    // A signed record altered so that the skim still reads it (a space; a nested record_id; another value), the
    // chain recomputed over the altered bytes: its leaf no longer leads to the signed root.
    const sound = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const edits: ((line: string) => string)[] = [
      (l) => l.replace('"decision_time":', '"decision_time": '),
      (l) => l.replace(/("software":\{"lockfile_sha256":"[0-9a-f]{64}")/, '$1,"record_id":"credit:APP-9999"'),
      (l) => l.replace(/"probability":[0-9.e-]+/, '"probability":0.01'),
    ];
    for (const edit of edits) {
      const altered = [...sound];
      altered[1] = edit(altered[1]);
      expect(altered[1]).not.toBe(sound[1]);
      const rechained = altered.reduce<string[]>((out, text) => {
        const prev = out.length ? (JSON.parse(out[out.length - 1]) as { digest: string }).digest : '0'.repeat(64);
        const body = text.replace(/^\{"digest":"[0-9a-f]{64}",/, '{').replace(/"prev":"[0-9a-f]{64}"/, `"prev":"${prev}"`);
        const withoutDigest = body.startsWith('{"checkpoint"') ? body.replace(/,"digest":"[0-9a-f]{64}"/, '') : body;
        const digest = sha(withoutDigest);
        out.push(body.startsWith('{"checkpoint"') ? withoutDigest.replace(',"prev":', `,"digest":"${digest}","prev":`) : `{"digest":"${digest}",${body.slice(1)}`);
        return out;
      }, []);
      fs.writeFileSync(file, `${rechained.join('\n')}\n`);
      expect(verifyLog(file, publicKey).ok).toBe(false);
      expect(() => appendRecords(file, batch(6, 1), { key: privateKey }), edit.toString()).toThrow(/its last checkpoint is not the head of its records|line 2: /);
    }
  });

  it('a line with a byte-order mark is refused (its bytes are not the canonical form)', () => {
    const file = fresh();
    appendRecords(file, batch(0, 2), { key: privateKey });
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, `\uFEFF${text}`);
    expect(verifyLog(file, publicKey)).toMatchObject({ ok: false, line: 1, reason: expect.stringMatching(/line 1: not UTF-8 JSON/) });
  });

  it('a torn last line is reported, refused on append, and repaired only when asked', () => {
    const file = fresh();
    appendRecords(file, batch(0, 4), { key: privateKey });
    const sound = fs.readFileSync(file);
    const next = `${canonicalize({ type: 'record', seq: 4 })}`;
    fs.appendFileSync(file, next.slice(0, 17)); // a crash mid-write
    expect(verifyLog(file, publicKey)).toMatchObject({ ok: false, size: 4, reason: expect.stringMatching(/last line incomplete \(17 bytes/) });
    expect(() => appendRecords(file, batch(4, 1), { key: privateKey })).toThrow(/incomplete.*repair/);
    expect(() => proveInclusion(file, 'credit:APP-0000')).toThrow(/incomplete/);
    const writer = openLogWriter(file, { repair: true });
    expect(writer.repairedBytes).toBe(17);
    expect(fs.readFileSync(file).equals(sound)).toBe(true);
    writer.append(batch(4, 1), { key: privateKey });
    expect(verifyLog(file, publicKey)).toMatchObject({ ok: true, size: 5 });
    expect(appendRecords(file, batch(5, 1), { key: privateKey, repair: true }).size).toBe(6); // repair of a sound log: nothing to do
  });

  it('a writer appends case by case without rereading, and its state matches a fresh open', () => {
    const file = fresh();
    const writer = openLogWriter(file);
    for (let i = 0; i < 12; i++) writer.append([creditRecord(i)], { key: i % 4 === 3 ? privateKey : undefined });
    expect(writer.size()).toBe(12);
    expect(() => writer.append([creditRecord(3)])).toThrow(/already/);
    expect(verifyLog(file, publicKey)).toMatchObject({ ok: true, size: 12, checkpoints: 3 });
    expect(openLogWriter(file).append([creditRecord(12)], { key: privateKey }).checkpoint?.size).toBe(13);
    expect(verifyLog(file, publicKey)).toMatchObject({ ok: true, size: 13, checkpoints: 4 });
  });

  it('verifies with several keys (rotation) and names an unknown key', () => {
    const file = fresh();
    const other = generateKeyPairSync('ed25519');
    appendRecords(file, batch(0, 2), { key: privateKey });
    // A new key signs on from a checkpoint of the earlier one only when told to trust it.
    expect(() => appendRecords(file, batch(2, 2), { key: other.privateKey })).toThrow(/its last checkpoint is signed by key [0-9a-f]{16}, which this run cannot verify: if the log was signed with a key since rotated, give that key's public key/);
    appendRecords(file, batch(2, 2), { key: other.privateKey, trust: [publicKey] });
    expect(verifyLog(file, [publicKey, other.publicKey])).toMatchObject({ ok: true, checkpoints: 2 });
    expect(verifyLog(file, publicKey)).toMatchObject({ ok: false, line: 6, firstBadSeq: 2, reason: expect.stringMatching(/unknown key/) });
    expect(verifyLog(file, createPublicKey(other.privateKey))).toMatchObject({ ok: false, line: 3 });
  });

  it("checkpoints never go back in time: a writer whose clock is behind the log's last checkpoint signs nothing, and verify refuses a log whose checkpoint does", () => {
    const file = fresh();
    appendRecords(file, batch(0, 2), { key: privateKey, timestamp: '2026-11-26T11:00:00Z' });
    const before = fs.readFileSync(file);
    expect(() => appendRecords(file, batch(2, 1), { key: privateKey, timestamp: '2026-11-26T10:59:59Z' })).toThrow(/the checkpoint time 2026-11-26T10:59:59Z is before the log's last checkpoint \(2026-11-26T11:00:00Z\); nothing signed: check the system clock/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    appendRecords(file, batch(2, 1), { key: privateKey, timestamp: '2026-11-26T11:00:00Z' }); // the same time is no step back
    // The second checkpoint re-signed (validly) with an earlier time, its line digest recomputed.
    const ls = lines(file);
    const last = ls.at(-1)!;
    last.checkpoint = signCheckpoint(last.checkpoint.size, Buffer.from(last.checkpoint.root, 'hex'), privateKey, '2026-11-26T09:00:00Z');
    delete last.digest;
    last.digest = sha(canonicalize(last));
    fs.writeFileSync(file, `${ls.map((l) => canonicalize(l)).join('\n')}\n`);
    expect(verifyLog(file, publicKey)).toMatchObject({ ok: false, line: 5, reason: "line 5: checkpoint timestamp 2026-11-26T09:00:00Z is before the previous checkpoint's 2026-11-26T11:00:00Z" });
  });

  it('a log cut back to an earlier checkpoint verifies alone but not against a checkpoint kept from before', () => {
    const file = fresh();
    appendRecords(file, batch(0, 4), { key: privateKey });
    const cut = fs.readFileSync(file);
    const later = appendRecords(file, batch(4, 3), { key: privateKey }).checkpoint!;
    expect(verifyLog(file, publicKey, { known: [later] })).toMatchObject({ ok: true });
    fs.writeFileSync(file, cut);
    expect(verifyLog(file, publicKey)).toMatchObject({ ok: true, size: 4 });
    // Cut short: the first record not vouched for is the first one missing.
    expect(verifyLog(file, publicKey, { known: [later] })).toMatchObject({ ok: false, firstBadSeq: 4, reason: expect.stringMatching(/does not extend the known checkpoint of size 7 \(the log holds only 4/) });
    // A fork: same size, other records. The kept root vouches for none of them (which one differs, roots cannot tell).
    appendRecords(file, [creditRecord(40), creditRecord(41), creditRecord(42)], { key: privateKey });
    expect(verifyLog(file, publicKey)).toMatchObject({ ok: true, size: 7 });
    expect(verifyLog(file, publicKey, { known: [later] })).toMatchObject({ ok: false, firstBadSeq: 0, reason: expect.stringMatching(/root does not match/) });
    expect(verifyLog(file, publicKey, { known: [{ ...later, timestamp: '2020-01-01T00:00:00Z' }] })).toMatchObject({ ok: false, reason: expect.stringMatching(/signature does not verify/) });
  });

  it('an empty log verifies; a missing one is a user error', () => {
    const file = fresh();
    fs.writeFileSync(file, '');
    expect(verifyLog(file, publicKey)).toMatchObject({ ok: true, size: 0 });
    expect(() => verifyLog(path.join(dir, 'missing.jsonl'), publicKey)).toThrow(/cannot read/);
  });
});

describe('inclusion proofs and bundles', () => {
  const file = fresh();
  const all = batch(0, 13);
  appendRecords(file, all.slice(0, 6), { key: privateKey });
  appendRecords(file, all.slice(6), { key: privateKey });

  it('every record has a proof that checks offline after a JSON round trip', () => {
    for (const [i, r] of all.entries()) {
      const proof = JSON.parse(JSON.stringify(proveInclusion(file, r.record_id))) as InclusionProof;
      expect(proof.leaf_index).toBe(i);
      expect(proof.tree_size).toBe(13);
      expect(verifyInclusionProof(proof, publicKey)).toMatchObject({ ok: true });
    }
    expect(() => proveInclusion(file, 'credit:NOPE')).toThrow(/no record credit:NOPE/);
  });

  it('a tampered proof fails', () => {
    const proof = proveInclusion(file, all[4].record_id);
    const edits: [string, (p: any) => void][] = [
      ['record changed', (p) => (p.record.output.probability = 0.99)],
      ['other record', (p) => (p.record = all[5])],
      ['index', (p) => (p.leaf_index = 5)],
      ['tree size', (p) => (p.tree_size = 12)],
      ['path element', (p) => (p.audit_path[1] = p.audit_path[1].replace(/^./, (c: string) => (c === '0' ? '1' : '0')))],
      ['path dropped', (p) => p.audit_path.pop()],
      ['root', (p) => (p.checkpoint.root = p.audit_path[0])],
      ['signature', (p) => (p.checkpoint.signature = p.checkpoint.signature.replace(/^./, (c: string) => (c === '0' ? '1' : '0')))],
      ['timestamp', (p) => (p.checkpoint.timestamp = '2030-01-01T00:00:00Z')],
      ['extra field', (p) => (p.note = 'trust me')],
    ];
    for (const [name, edit] of edits) {
      const p = JSON.parse(JSON.stringify(proof));
      edit(p);
      expect(verifyInclusionProof(p, publicKey).ok, name).toBe(false);
    }
    expect(verifyInclusionProof(proof, generateKeyPairSync('ed25519').publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/unknown key/) });
  });

  it('exports the records decided in [from, to) with proofs under the latest checkpoint', () => {
    const bundle = exportBundle(file, { from: all[2].decision_time, to: all[5].decision_time });
    expect(bundle.proofs.map((p) => p.record.record_id)).toEqual([all[2], all[4]].map((r) => r.record_id)); // all[3] is a dermatology record of another day
    expect(bundle.checkpoint.size).toBe(13);
    expect(verifyBundle(JSON.parse(JSON.stringify(bundle)), publicKey)).toMatchObject({ ok: true });
    const forged = JSON.parse(JSON.stringify(bundle));
    forged.proofs[1].record.output.decision = 'approved-after-all';
    expect(verifyBundle(forged, publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/^proof 2:/) });
    expect(exportBundle(file).proofs).toHaveLength(13);
    expect(() => exportBundle(file, { from: 'yesterday' })).toThrow(/--from/);
    expect(() => exportBundle(file, { from: '2026-11-01T00:00:00' })).toThrow(/--from: 2026-11-01T00:00:00 is not a date \(YYYY-MM-DD\) or an RFC 3339 time with its offset/);
    // A windowed bundle says that it cannot show completeness; one without a window shows it.
    expect(verifyBundle(bundle, publicKey).reason).toMatch(/^PARTIAL: 2 of the 13 records the checkpoint signs, those decided in .* cannot be shown by a windowed bundle/);
    expect(verifyBundle(exportBundle(file), publicKey)).toEqual({ ok: true, reason: expect.stringMatching(/^all 13 records the bundle's checkpoint signs \(\d{4}-[^)]+\) proven; records added to the log after it are not covered$/) });
  });

  it('a bundle with a record left out, twice, outside its window, or with its window changed does not verify', () => {
    const whole = (): AuditBundle => JSON.parse(JSON.stringify(exportBundle(file))) as AuditBundle;
    const windowed = (): AuditBundle => JSON.parse(JSON.stringify(exportBundle(file, { from: all[2].decision_time, to: all[5].decision_time }))) as AuditBundle;
    const edits: [string, () => AuditBundle, RegExp][] = [
      ['one left out', () => ({ ...whole(), proofs: whole().proofs.slice(1) }), /holds 12 of the 13 records the checkpoint signs: 1 left out/],
      ['none at all', () => ({ ...whole(), proofs: [] }), /holds 0 of the 13/],
      ['one twice', () => ({ ...whole(), proofs: [...whole().proofs, whole().proofs[4]] }), /^proof 14: record 4 of the log is in the bundle twice/],
      ['a window its records are outside', () => ({ ...windowed(), from: '2027-01-01T00:00:00Z', to: '2027-02-01T00:00:00Z' }), /^proof 1: .* outside the bundle's window \[2027-01-01/],
      ['one dropped and the window removed', () => ({ ...windowed(), from: null, to: null }), /holds 2 of the 13/],
      ['a window that is not a time', () => ({ ...windowed(), from: 'last week' }), /from and to must each be null, a date or an RFC 3339 time with its offset/],
      ['a window bound without its offset (read in the reader\'s time zone)', () => ({ ...windowed(), from: '2026-11-01T00:00:00' }), /from and to must each be null, a date or an RFC 3339 time with its offset/],
    ];
    for (const [name, make, reason] of edits) expect(verifyBundle(make(), publicKey), name).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('a consistency proof from a kept checkpoint to the latest one checks offline; a forked log cannot give one', () => {
    const kept = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[6]).checkpoint;
    expect(kept.size).toBe(6);
    const proof = JSON.parse(JSON.stringify(proveConsistency(file, kept)));
    expect(proof.to.size).toBe(13);
    expect(verifyConsistencyProof(proof, publicKey)).toMatchObject({ ok: true });
    const tampered = { ...proof, proof: [...proof.proof.slice(1), proof.proof[0]] };
    expect(verifyConsistencyProof(tampered, publicKey).ok).toBe(false);
    expect(verifyConsistencyProof({ ...proof, from: { ...kept, size: 7 } }, publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/^from: checkpoint signature/) });
    // A forked log (record 2 replaced, re-signed) cannot prove that it extends the kept checkpoint.
    const fork = fresh();
    appendRecords(fork, [...all.slice(0, 2), creditRecord(99), ...all.slice(3)], { key: privateKey });
    expect(verifyConsistencyProof(proveConsistency(fork, kept), publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not extend/) });
    expect(() => proveConsistency(file, { ...kept, size: 14 })).toThrow(/older than the one given/);
    // The kept checkpoint re-signed (validly) with a time after the latest one's: the log went back in time.
    const future = signCheckpoint(kept.size, Buffer.from(kept.root, 'hex'), privateKey, '2099-01-01T00:00:00Z');
    expect(verifyConsistencyProof(proveConsistency(file, future), publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/signed at .*, before the one of size 6 \(2099-01-01T00:00:00Z\): a log's checkpoints never go back in time/) });
  });
});

/** Lines as objects, their chain recomputed (what anyone who can write the file can do), written back canonical. */
function writeRechained(file: string, ls: Record<string, any>[]): void {
  let prev = '0'.repeat(64);
  const out = ls.map((l) => {
    const rest: Record<string, unknown> = { ...l, prev };
    delete rest.digest;
    prev = sha(canonicalize(rest));
    return canonicalize({ ...rest, digest: prev });
  });
  fs.writeFileSync(file, `${out.join('\n')}\n`);
}

describe('what someone who can write the file cannot make a writer do (red-team review)', () => {
  it('sign on from a last checkpoint under a made-up key, which would make a forged record look signed', () => {
    const file = fresh();
    appendRecords(file, batch(0, 3), { key: privateKey });
    const ls = lines(file);
    const forged = { ...creditRecord(90), record_id: 'credit:FORGED' };
    const root = naiveMth([...batch(0, 3), forged].map((r) => Buffer.from(recordDigest(r), 'hex'))).toString('hex');
    ls.push({ type: 'record', seq: 3, record: forged });
    ls.push({ type: 'checkpoint', checkpoint: { key_id: '0123456789abcdef', root, signature: 'ab'.repeat(64), size: 4, timestamp: '2099-01-01T00:00:00Z' } });
    writeRechained(file, ls);
    const unverifiable = /its last checkpoint is signed by key 0123456789abcdef, which this run cannot verify/;
    expect(() => openLogWriter(file, { trust: [publicKey] })).toThrow(unverifiable);
    expect(() => appendRecords(file, batch(4, 1), { key: privateKey })).toThrow(unverifiable);
    expect(lines(file)).toHaveLength(6);
  });

  it('vouch for one of two records with the same id, or open a log with a record id twice; proofs and bundles refuse one too', () => {
    const file = fresh();
    appendRecords(file, batch(0, 1), { key: privateKey });
    appendRecords(file, batch(1, 1)); // a crash left record 1 unsigned
    const ls = lines(file);
    const copy = structuredClone(ls[2]);
    copy.record.output.decision = 'approved';
    ls.splice(2, 0, copy);
    ls.forEach((l, i) => i >= 2 && (l.seq = i - 1));
    writeRechained(file, ls);
    expect(() => openLogWriter(file)).toThrow(/line 4: duplicate record id credit:APP-0001; not extended/);
    expect(() => proveInclusion(file, 'credit:APP-0001')).toThrow(/line 4: duplicate record id credit:APP-0001; no proof made/);
    // A bundle of two records under one id is refused offline, whatever their proofs say.
    const sound = fresh();
    appendRecords(sound, batch(0, 3), { key: privateKey });
    const bundle = JSON.parse(JSON.stringify(exportBundle(sound))) as AuditBundle;
    (bundle.proofs[2].record as { record_id: string }).record_id = bundle.proofs[1].record.record_id;
    expect(verifyBundle(bundle, publicKey)).toMatchObject({ ok: false });
  });

  it('open a log whose signed lines were altered: an id rewritten, a chain link or seq broken', () => {
    const base = fresh();
    appendRecords(base, batch(0, 3), { key: privateKey });
    const edits: [string, (ls: Record<string, any>[]) => void, boolean, RegExp][] = [
      ['id rewritten, chain recomputed', (ls) => (ls[1].record.record_id = 'credit:APP-0002x'), true, /its last checkpoint is not the head of its records/],
      ['prev of a signed line broken', (ls) => (ls[1].prev = 'f'.repeat(64)), false, /line 2: prev is not the digest of the line before/],
      ['seq of a signed line changed', (ls) => (ls[2].seq = 7), true, /line 3: seq 7 where 2 was due/],
    ];
    for (const [name, edit, rechain, message] of edits) {
      const file = fresh();
      const ls = lines(base);
      edit(ls);
      if (rechain) writeRechained(file, ls);
      else fs.writeFileSync(file, `${ls.map((l) => canonicalize(l)).join('\n')}\n`);
      expect(() => openLogWriter(file), name).toThrow(message);
    }
  });

  it('a line over 64 MiB is refused with one line naming it; a lone surrogate in a signed record is named by its line', () => {
    const big = fresh();
    fs.writeFileSync(big, Buffer.alloc(65 * 1024 * 1024, 0x61));
    expect(() => verifyLog(big, publicKey)).toThrow(/line 1 is longer than 64 MiB \(no audit log has lines that long\)/);
    const file = fresh();
    appendRecords(file, batch(0, 2), { key: privateKey });
    const text = fs.readFileSync(file, 'utf8').split('\n');
    text[0] = text[0].replace(/"template_version":"[^"]*"/, '"template_version":"\\ud800"');
    fs.writeFileSync(file, text.join('\n'));
    expect(() => openLogWriter(file, { repair: true })).toThrow(/line 1: not canonical JSON \(.*lone surrogate/);
  });

  it('extend a log where a key rotated from signs again (a leaked retired key), or where a middle checkpoint was replayed', () => {
    const file = fresh();
    const retired = generateKeyPairSync('ed25519');
    appendRecords(file, batch(0, 2), { key: retired.privateKey });
    appendRecords(file, batch(2, 2), { key: privateKey, trust: [publicKey, retired.publicKey] });
    // Whoever holds the retired key appends a forged record and signs it with that key.
    const ls = lines(file);
    const forged = { ...creditRecord(91), record_id: 'credit:FORGED-2' };
    ls.push({ type: 'record', seq: 4, record: forged });
    ls.push({ type: 'checkpoint', checkpoint: signCheckpoint(5, naiveMth([...batch(0, 4), forged].map((r) => Buffer.from(recordDigest(r), 'hex'))), retired.privateKey, '2099-01-01T00:00:00Z') });
    writeRechained(file, ls);
    const again = /checkpoint signed by key [0-9a-f]{16} again after key [0-9a-f]{16} took over \(a key rotated from does not sign again\)/;
    expect(() => openLogWriter(file, { trust: [publicKey, retired.publicKey] })).toThrow(again);
    expect(verifyLog(file, [publicKey, retired.publicKey])).toMatchObject({ ok: false, reason: expect.stringMatching(again) });
    // A genuine middle checkpoint replayed after itself: nothing forged, but a log verify refuses is not extended.
    const replayed = fresh();
    appendRecords(replayed, batch(0, 2), { key: privateKey });
    appendRecords(replayed, batch(2, 2), { key: privateKey });
    const rs = lines(replayed);
    rs.splice(3, 0, structuredClone(rs[2]));
    writeRechained(replayed, rs);
    expect(() => openLogWriter(replayed, { trust: [publicKey] })).toThrow(/line 4: checkpoint size 2 does not grow past 2/);
  });

  it('repair completes only a last line that opening would accept; any other torn line is cut off', () => {
    const file = fresh();
    appendRecords(file, batch(0, 2), { key: privateKey });
    const sound = fs.readFileSync(file);
    // A complete record line with a wrong seq (chain and digest right), lacking only its newline.
    const last = lines(file).at(-1)!;
    const bad = { type: 'record', seq: 99, prev: last.digest, record: creditRecord(7) };
    fs.appendFileSync(file, canonicalize({ ...bad, digest: sha(canonicalize(bad)) }));
    const writer = openLogWriter(file, { repair: true });
    expect(writer.completedLastLine).toBe(false);
    expect(writer.repairedBytes).toBeGreaterThan(0);
    expect(fs.readFileSync(file).equals(sound)).toBe(true);
  });

  it('repair adds the newline a complete last line lacks instead of cutting the line off; impossible times are refused', () => {
    const file = fresh();
    appendRecords(file, batch(0, 2), { key: privateKey });
    const whole = fs.readFileSync(file);
    fs.writeFileSync(file, whole.subarray(0, whole.length - 1));
    const writer = openLogWriter(file, { repair: true });
    expect(writer.completedLastLine).toBe(true);
    expect(writer.repairedBytes).toBe(0);
    expect(fs.readFileSync(file).equals(whole)).toBe(true);
    expect(verifyLog(file, publicKey)).toMatchObject({ ok: true, size: 2, checkpoints: 1 });
    expect(isUtcTime('0042-03-01T00:00:00Z') && isUtcTime('2028-02-29T23:59:59.5Z')).toBe(true);
    for (const timestamp of ['2026-02-31T00:00:00Z', '2026-11-27T24:00:00Z']) {
      expect(() => appendRecords(fresh(), batch(0, 1), { key: privateKey, timestamp })).toThrow(/is not an RFC 3339 UTC time that exists/);
      expect(checkpointProblem({ ...lines(file).at(-1)!.checkpoint, timestamp }, keyRing(publicKey))).toBe('checkpoint timestamp must be an RFC 3339 UTC time that exists');
    }
  });
});
