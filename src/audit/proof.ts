/**
 * Offline evidence from a log: an inclusion proof for one record (self-contained: the record, its audit path
 * and the signed checkpoint it leads to), an auditor's bundle of such proofs for a time range, and a
 * consistency proof that the latest checkpoint extends an earlier one. Checking any of them needs only the
 * signer's public key, not the log.
 */
import type { KeyObject } from 'node:crypto';
import { fail, UserError } from '../errors.js';
import { canonicalize } from './canonical.js';
import { checkpointProblem, timeGoesBack, type Checkpoint } from './checkpoint.js';
import { HEX64 } from './hash.js';
import { keyRing } from './keys.js';
import { readLogContents, recordLeaf } from './log.js';
import { merkleTree, verifyConsistency, verifyInclusion } from './merkle.js';
import { validateRecord, type AuditRecord } from './record.js';

export interface InclusionProof {
  readonly record: AuditRecord;
  readonly leaf_index: number;
  readonly tree_size: number;
  /** RFC 9162 inclusion path, hex, bottom-up. */
  readonly audit_path: readonly string[];
  /** The signed checkpoint whose root the path leads to (tree_size = checkpoint.size). */
  readonly checkpoint: Checkpoint;
}

export interface ProofCheck {
  readonly ok: boolean;
  readonly reason: string;
}

/** Proves `recordId`'s inclusion under the log's latest checkpoint. */
export function proveInclusion(logFile: string, recordId: string): InclusionProof {
  // A case id instead of a record id is the usual slip: that case's records are kept too, to name them.
  const { leaves, records, checkpoints } = readLogContents(logFile, (r) => r.record_id === recordId || r.case_id === recordId);
  const found = records.find(({ record }) => record.record_id === recordId);
  if (!found) {
    const ofCase = records.map(({ record }) => record.record_id);
    fail(`${logFile}: no record ${recordId}${ofCase.length > 0 ? `; the records of case ${recordId}: ${ofCase.join(', ')}` : ' (a record id reads domain:CASE:digest, as report --json and the batch summary print it)'}`);
  }
  const checkpoint = checkpoints.at(-1);
  if (!checkpoint || checkpoint.size <= found.seq) fail(`${logFile}: record ${recordId} is not covered by a signed checkpoint yet`);
  const tree = merkleTree(leaves);
  // A proof from records that no longer match the checkpoint would be refused by anyone who checks it.
  if (!tree.root(checkpoint.size).equals(Buffer.from(checkpoint.root, 'hex'))) fail(`${logFile}: its records do not match its latest checkpoint, so no proof can be made (run audit verify)`);
  return proofFor(tree, found.record, found.seq, checkpoint);
}

function proofFor(tree: ReturnType<typeof merkleTree>, record: AuditRecord, index: number, checkpoint: Checkpoint): InclusionProof {
  return {
    record,
    leaf_index: index,
    tree_size: checkpoint.size,
    audit_path: tree.inclusionProof(index, checkpoint.size).map((h) => h.toString('hex')),
    checkpoint,
  };
}

/** Checks a proof (as parsed from JSON) offline: record schema, audit path to the checkpoint root, signature. */
export function verifyInclusionProof(proof: unknown, publicKeys: KeyObject | readonly KeyObject[]): ProofCheck {
  const bad = (reason: string): ProofCheck => ({ ok: false, reason });
  if (typeof proof !== 'object' || proof === null) return bad('proof is not an object');
  const p = proof as Record<string, unknown>;
  if (Object.keys(p).sort().join() !== 'audit_path,checkpoint,leaf_index,record,tree_size') return bad('proof fields must be audit_path, checkpoint, leaf_index, record, tree_size');
  if (!Array.isArray(p.audit_path) || !p.audit_path.every((h) => typeof h === 'string' && HEX64.test(h))) return bad('audit_path must be a list of 64-hex-digit hashes');
  if (!Number.isSafeInteger(p.leaf_index) || !Number.isSafeInteger(p.tree_size)) return bad('leaf_index and tree_size must be integers');
  const signature = checkpointProblem(p.checkpoint, keyRing(publicKeys));
  if (signature) return bad(signature);
  const checkpoint = p.checkpoint as Checkpoint;
  if (p.tree_size !== checkpoint.size) return bad(`tree_size ${String(p.tree_size)} is not the checkpoint's size ${checkpoint.size}`);
  let record: AuditRecord;
  try {
    record = validateRecord(p.record, 'record');
  } catch (e) {
    if (e instanceof UserError) return bad(e.message);
    throw e;
  }
  let leaf: Buffer;
  try {
    leaf = recordLeaf(record);
  } catch (e) {
    return bad(`record: ${(e as Error).message}`);
  }
  const path = (p.audit_path as string[]).map((h) => Buffer.from(h, 'hex'));
  if (!verifyInclusion(leaf, p.leaf_index as number, checkpoint.size, path, Buffer.from(checkpoint.root, 'hex'))) {
    return bad(`record ${record.record_id} is not at index ${String(p.leaf_index)} of the tree the checkpoint signs`);
  }
  return { ok: true, reason: `record ${record.record_id} is record ${String(p.leaf_index)} of ${checkpoint.size} under checkpoint ${checkpoint.timestamp} (key ${checkpoint.key_id})` };
}

export interface AuditBundle {
  /** Inclusive lower and exclusive upper bound on decision_time (RFC 3339), or null for open. */
  readonly from: string | null;
  readonly to: string | null;
  /** The latest checkpoint; every proof leads to its root. */
  readonly checkpoint: Checkpoint;
  readonly proofs: readonly InclusionProof[];
}

/**
 * The records decided in [from, to) with their inclusion proofs under the latest checkpoint (the CLI adds model
 * cards, schema and public key). Refuses when a record in range is not yet covered by a checkpoint.
 */
export function exportBundle(logFile: string, range: { readonly from?: string; readonly to?: string } = {}): AuditBundle {
  const lo = range.from === undefined ? -Infinity : parseTime(range.from, 'from');
  const hi = range.to === undefined ? Infinity : parseTime(range.to, 'to');
  if (lo > hi) fail(`--from ${range.from} is after --to ${range.to}`);
  const { leaves, records, checkpoints } = readLogContents(logFile, (record) => {
    const t = Date.parse(record.decision_time);
    return t >= lo && t < hi;
  });
  const checkpoint = checkpoints.at(-1);
  if (!checkpoint) fail(`${logFile}: no signed checkpoint`);
  const tree = merkleTree(leaves);
  const proofs = records.map(({ seq, record }) => {
    if (seq >= checkpoint.size) fail(`${logFile}: record ${record.record_id} is not covered by a signed checkpoint yet`);
    return proofFor(tree, record, seq, checkpoint);
  });
  return { from: range.from ?? null, to: range.to ?? null, checkpoint, proofs };
}

/**
 * Checks a bundle offline: every proof leads to the bundle's checkpoint, no record appears twice, and every record
 * was decided within the bundle's window. A bundle without a window must hold every record the checkpoint signs,
 * so an auditor can tell that none was left out. A windowed bundle cannot show that (the records outside it, whose
 * decision times would prove it, are not in it); the reason says so.
 */
export function verifyBundle(bundle: AuditBundle, publicKeys: KeyObject | readonly KeyObject[]): ProofCheck {
  const bad = (reason: string): ProofCheck => ({ ok: false, reason });
  const signature = checkpointProblem(bundle.checkpoint, keyRing(publicKeys));
  if (signature) return bad(signature);
  const bound = (value: unknown): number | null | undefined => (value === null ? null : (instantOf(value) ?? undefined));
  const lo = bound(bundle.from);
  const hi = bound(bundle.to);
  if (lo === undefined || hi === undefined) return bad('from and to must each be null, a date or an RFC 3339 time with its offset');
  const signed = canonicalize(bundle.checkpoint);
  const indices = new Set<number>();
  const ids = new Set<string>();
  for (const [i, proof] of bundle.proofs.entries()) {
    if (canonicalize(proof.checkpoint) !== signed) return bad(`proof ${i + 1}: not under the bundle's checkpoint`);
    const check = verifyInclusionProof(proof, publicKeys);
    if (!check.ok) return bad(`proof ${i + 1}: ${check.reason}`);
    if (indices.has(proof.leaf_index)) return bad(`proof ${i + 1}: record ${proof.leaf_index} of the log is in the bundle twice`);
    indices.add(proof.leaf_index);
    // One id, two records: the log held a forged copy of a decision (audit verify refuses such a log).
    if (ids.has(proof.record.record_id)) return bad(`proof ${i + 1}: record id ${proof.record.record_id} is in the bundle twice, as two different records`);
    ids.add(proof.record.record_id);
    const t = Date.parse(proof.record.decision_time);
    // An unreadable decision time (a leap second passes the schema) is inside no window.
    if ((lo !== null || hi !== null) && Number.isNaN(t)) return bad(`proof ${i + 1}: record ${proof.record.record_id}: decision_time ${proof.record.decision_time} cannot be placed in the window`);
    if ((lo !== null && t < lo) || (hi !== null && t >= hi)) {
      return bad(`proof ${i + 1}: record ${proof.record.record_id} was decided at ${proof.record.decision_time}, outside the bundle's window [${bundle.from ?? '-∞'}, ${bundle.to ?? '+∞'})`);
    }
  }
  const size = bundle.checkpoint.size;
  if (lo === null && hi === null) {
    if (indices.size !== size) return bad(`the bundle holds ${indices.size} of the ${size} records the checkpoint signs: ${size - indices.size} left out`);
    // All the checkpoint signs: whether the log has grown since is for a later checkpoint (or verify --known) to show.
    return { ok: true, reason: `all ${size} records the bundle's checkpoint signs (${bundle.checkpoint.timestamp}) proven; records added to the log after it are not covered` };
  }
  return {
    ok: true,
    // The window is not signed: whoever altered a full bundle could add one. Hence "partial", and the counts.
    reason: `PARTIAL: ${indices.size} of the ${size} records the checkpoint signs, those decided in [${bundle.from ?? '-∞'}, ${bundle.to ?? '+∞'}), proven; that no record of that window was left out cannot be shown by a windowed bundle (an export without --from and --to proves it holds every record)`,
  };
}

/**
 * A window bound: a date (midnight UTC) or an RFC 3339 time with its offset. A time without one would be read in the
 * reader's time zone, so an export made in one zone would not check in another.
 */
function instantOf(text: unknown): number | null {
  if (typeof text !== 'string' || !/^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$/i.test(text)) return null;
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : t;
}

function parseTime(text: string, name: string): number {
  return instantOf(text) ?? fail(`--${name}: ${text} is not a date (YYYY-MM-DD) or an RFC 3339 time with its offset (Z or ±hh:mm)`);
}

/** Evidence that the log's latest checkpoint extends an earlier one (e.g. one an auditor kept). */
export interface ConsistencyProof {
  readonly from: Checkpoint;
  readonly to: Checkpoint;
  /** RFC 9162 consistency proof from from.size to to.size, hex. */
  readonly proof: readonly string[];
}

export function proveConsistency(logFile: string, from: Checkpoint): ConsistencyProof {
  const { leaves, checkpoints } = readLogContents(logFile, () => false);
  const to = checkpoints.at(-1);
  if (!to) fail(`${logFile}: no signed checkpoint`);
  if (from.size > to.size) fail(`${logFile}: the latest checkpoint (size ${to.size}) is older than the one given (size ${from.size})`);
  const proof = merkleTree(leaves).consistencyProof(from.size, to.size);
  return { from, to, proof: proof.map((h) => h.toString('hex')) };
}

/** Both signatures, then RFC 9162 §2.1.4.2 between the two signed roots. */
export function verifyConsistencyProof(proof: ConsistencyProof, publicKeys: KeyObject | readonly KeyObject[]): ProofCheck {
  const keys = keyRing(publicKeys);
  for (const [name, cp] of [['from', proof.from], ['to', proof.to]] as const) {
    const problem = checkpointProblem(cp, keys);
    if (problem) return { ok: false, reason: `${name}: ${problem}` };
  }
  if (!Array.isArray(proof.proof) || !proof.proof.every((h) => typeof h === 'string' && HEX64.test(h))) return { ok: false, reason: 'proof must be a list of 64-hex-digit hashes' };
  if (timeGoesBack(proof.from, proof.to)) return { ok: false, reason: `the checkpoint of size ${proof.to.size} was signed at ${proof.to.timestamp}, before the one of size ${proof.from.size} (${proof.from.timestamp}): a log's checkpoints never go back in time` };
  const path = proof.proof.map((h) => Buffer.from(h, 'hex'));
  const ok = verifyConsistency(proof.from.size, proof.to.size, Buffer.from(proof.from.root, 'hex'), Buffer.from(proof.to.root, 'hex'), path);
  return ok
    ? { ok: true, reason: `the log of ${proof.to.size} records extends the checkpoint of size ${proof.from.size}` }
    : { ok: false, reason: `the checkpoint of size ${proof.to.size} does not extend the checkpoint of size ${proof.from.size}` };
}
