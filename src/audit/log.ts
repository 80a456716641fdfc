/**
 * The append-only audit log: one JSONL file, every line RFC 8785 canonical JSON, of two kinds:
 *
 *   {"digest":H,"prev":P,"record":{…},"seq":N,"type":"record"}
 *   {"checkpoint":{"key_id":…,"root":…,"signature":…,"size":S,"timestamp":…},"digest":H,"prev":P,"type":"checkpoint"}
 *
 * `digest` = SHA-256 of the line's canonical JSON without `digest`; `prev` = the previous line's digest
 * (64 zeros on line 1), so the chain covers checkpoints too. The chain has no key: someone who can write the file
 * can recompute it; what they cannot forge are the signed checkpoints over the records (and a verifier's copies
 * of earlier ones, `known`), and a writer never signs a record it did not make (LogWriter.vouchFor). `seq`
 * numbers records 0, 1, 2, … (their leaf index). The Merkle tree's leaves are the records' digests (SHA-256 of
 * the canonical record, see record.ts), not the line digests, so that a record alone plus its audit path proves
 * its inclusion. A checkpoint follows each signed batch and covers every record before it (size = records so far).
 *
 * Appends are crash-safe: each line is written whole with one write and the batch is fsynced before its
 * checkpoint and again after it. A crash mid-write leaves a torn last line (no final newline), which readers
 * report; `repair: true` truncates it explicitly. One writer at a time: callers serialize appends.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { fail, systemReason, UserError } from '../errors.js';
import { forEachLine, MAX_LINE_BYTES, type LinePosition, type TornTail } from '../io/lines.js';
import { canonicalize, certainlyCanonical } from './canonical.js';
import { checkpointProblem, isUtcTime, signCheckpoint, timeGoesBack, type Checkpoint } from './checkpoint.js';
import { HEX64, ZERO_DIGEST, sha256, sha256Hex } from './hash.js';
import { keyRing, type KeyRing } from './keys.js';
import { leafHash, merkleTree, treeFrontier, verifyConsistency, type TreeFrontier } from './merkle.js';
import { recordDigest, validateRecord, type AuditRecord } from './record.js';

export interface RecordLine {
  readonly type: 'record';
  readonly seq: number;
  readonly prev: string;
  readonly record: AuditRecord;
  readonly digest: string;
}

export interface CheckpointLine {
  readonly type: 'checkpoint';
  readonly prev: string;
  readonly checkpoint: Checkpoint;
  readonly digest: string;
}

export type LogLine = RecordLine | CheckpointLine;

/** SHA-256 of the canonical line without its `digest`. */
function lineDigest(line: Omit<RecordLine, 'digest'> | Omit<CheckpointLine, 'digest'>): string {
  const { digest: _, ...rest } = line as LogLine;
  return sha256Hex(canonicalize(rest));
}

/** The leaf the Merkle tree holds for a record: RFC 6962 leaf hash of the record digest's 32 bytes. */
export function recordLeaf(record: AuditRecord): Buffer {
  return leafHash(Buffer.from(recordDigest(record), 'hex'));
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

// A byte-order mark is kept (and then refused as not JSON): decoding must not drop bytes the digest does not see.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// A record line's canonical text is {"digest":D,"prev":P,"record":R,"seq":N,"type":"record"} with D and P 64 hex
// digits. Once a line is known to be canonical, R is the record's canonical text (what its digest is over) and the
// line from "prev" on is the line without its digest: both are hashed where they lie, not serialized again.
const BODY_AT = '{"digest":"'.length + 64 + '",'.length;
const RECORD_AT = BODY_AT + '"prev":"'.length + 64 + '","record":'.length;
const SEQ_KEY = Buffer.from(',"seq":');
const OPEN_BRACE = Buffer.from('{');

/** A canonical record line's two digests, over its own bytes: the line without its digest, and the record. */
const recordLineDigests = (bytes: Buffer, seqAt: number): { lineDigest: string; recordDigest: string } => ({
  lineDigest: sha256(OPEN_BRACE, bytes.subarray(BODY_AT)).toString('hex'),
  recordDigest: sha256Hex(bytes.subarray(RECORD_AT, seqAt)),
});

interface ParsedLine {
  readonly line: LogLine;
  /** The digest the line should carry (lineDigest). */
  readonly lineDigest: string;
  /** A record line's recordDigest; null for a checkpoint. */
  readonly recordDigest: string | null;
}

type Parsed = { readonly parsed: ParsedLine; readonly problem?: undefined } | { readonly parsed?: undefined; readonly problem: string };

/** Parses one line and checks its form (not its place in the chain). */
function parseLine(bytes: Buffer): Parsed {
  let text: string;
  let value: unknown;
  try {
    text = utf8.decode(bytes);
    value = JSON.parse(text);
  } catch {
    return { problem: 'not UTF-8 JSON' };
  }
  // Exactly one byte form per line: any changed byte changes the value, hence a digest.
  if (!certainlyCanonical(text, value)) {
    let canonical: string;
    try {
      canonical = canonicalize(value);
    } catch (e) {
      return { problem: `not canonical JSON (${(e as Error).message})` };
    }
    if (canonical !== text) return { problem: 'not in canonical form (RFC 8785)' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'not a JSON object' };
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v).sort().join();
  if (typeof v.prev !== 'string' || !HEX64.test(v.prev)) return { problem: 'prev must be 64 hex digits' };
  if (typeof v.digest !== 'string' || !HEX64.test(v.digest)) return { problem: 'digest must be 64 hex digits' };
  if (v.type === 'record') {
    if (keys !== 'digest,prev,record,seq,type') return { problem: 'a record line has exactly digest, prev, record, seq, type' };
    if (!Number.isSafeInteger(v.seq) || (v.seq as number) < 0) return { problem: 'seq must be a non-negative integer' };
    return { parsed: { line: v as unknown as RecordLine, ...recordLineDigests(bytes, bytes.lastIndexOf(SEQ_KEY)) } };
  }
  if (v.type === 'checkpoint') {
    if (keys !== 'checkpoint,digest,prev,type') return { problem: 'a checkpoint line has exactly checkpoint, digest, prev, type' };
    const line = v as unknown as CheckpointLine;
    return { parsed: { line, lineDigest: lineDigest(line), recordDigest: null } };
  }
  return { problem: 'type must be "record" or "checkpoint"' };
}

function parsedOrFail(logFile: string, bytes: Buffer, index: number): ParsedLine {
  const { parsed, problem } = parseLine(bytes);
  return parsed ?? fail(`${logFile}: line ${index + 1}: ${problem} (run audit verify)`);
}

// ---------------------------------------------------------------------------------------------------------------
// Appending

export interface OpenOptions {
  /**
   * Mend a torn last line (left by a crash mid-write) instead of refusing to open the log: truncate it, or, when it
   * lacks only its newline (a complete line that continues the chain), add the newline.
   */
  readonly repair?: boolean;
  /**
   * Public keys the log's last checkpoint may be signed with (the signing key's, and keys rotated from). Given, the
   * checkpoint is verified on opening; else before the first signature, under the signing key alone. A writer never
   * signs on from a checkpoint it cannot verify: anyone who can write the file can add one under a made-up key.
   */
  readonly trust?: readonly KeyObject[];
}

export interface AppendOptions {
  /** Ed25519 private key: sign a checkpoint over every record after the batch. Without it, no checkpoint. */
  readonly key?: KeyObject;
  /** The checkpoint's timestamp (RFC 3339 UTC); default now. */
  readonly timestamp?: string;
}

export interface AppendResult {
  /** Records in the log after the append. */
  readonly size: number;
  /** Digests of the appended records, in order. */
  readonly digests: readonly string[];
  readonly checkpoint: Checkpoint | null;
}

/**
 * A log opened for appending: read once, then every append costs only its own records (a batch run appends
 * case by case). One writer per log at a time.
 */
export interface LogWriter {
  /** Records in the log. */
  readonly size: () => number;
  /** The log already holds this record id (the same decision recorded again would be refused). */
  readonly has: (recordId: string) => boolean;
  /** Whether the log's record of this decision lists exactly these rendered documents (false if not in the log). */
  readonly hasRendering: (recordId: string, rendered: AuditRecord['rendered']) => boolean;
  /** Bytes of a torn last line that `repair` removed on opening. */
  readonly repairedBytes: number;
  /** `repair` added the newline a complete last line lacked. */
  readonly completedLastLine: boolean;
  /**
   * Whether the log holds exactly this record (its id and digest). A record that no checkpoint signs yet and that
   * this writer did not append (an earlier run crashed before signing it, or an edit added it) is signed only once
   * the run has made it again and handed it here: a writer never signs what it cannot vouch for.
   */
  vouchFor(record: AuditRecord): boolean;
  /** Records no checkpoint signs that this writer cannot vouch for (yet), in log order. */
  readonly unvouched: () => readonly { readonly seq: number; readonly recordId: string }[];
  /** Every record is under a signed checkpoint. */
  readonly allSigned: () => boolean;
  /** The operator's explicit word that the unsigned records are genuine (`audit seal`): returns them. */
  acceptUnsigned(): readonly AuditRecord[];
  /**
   * Validates every record (nothing is written if one fails), chains them onto the log and, with a key, signs a
   * checkpoint covering all records, including any a crashed run left unsigned once they are vouched for (see
   * vouchFor; signing with any left is refused, naming the first).
   */
  append(batch: readonly AuditRecord[], options?: AppendOptions): AppendResult;
}

/** A decision is recorded once, with the documents it was rendered into; rendering it again needs its own log. */
export function secondRendering(logFile: string, recordId: string): string {
  return `${logFile} already records decision ${recordId} with other documents (another --documents, --format or --locale); record a second rendering in its own log`;
}

/** What a writer keeps of a log: enough to append and sign, not the records (a log grows for years). */
interface AppendState {
  readonly frontier: TreeFrontier;
  /** The last line's digest: the next line's prev. */
  readonly prev: string;
  /** Record id → renderingKey of its documents: a decision is recorded once, a second rendering told apart. */
  readonly renderings: Map<string, string>;
  /** The last checkpoint (the scan checked it signs the records before it), with the tree head where it stands. */
  readonly head: { readonly checkpoint: Checkpoint; readonly rootThen: Buffer } | null;
  /** Records after the last checkpoint, by id. */
  readonly unsigned: Map<string, { readonly seq: number; readonly digest: string; readonly record: AuditRecord }>;
  readonly torn: TornTail | null;
  /** The keys of the checkpoints, in order. */
  readonly signers: readonly string[];
}

const emptyLog = (): AppendState => ({ frontier: treeFrontier(), prev: ZERO_DIGEST, renderings: new Map(), head: null, unsigned: new Map(), torn: null, signers: [] });

/**
 * One pass over the log's lines, keeping an AppendState. Records under the last checkpoint are read only for what
 * a writer keeps of them (skimRecordLine), the lines after it, which the writer may come to sign, are parsed and
 * checked whole; every line's place in the chain (prev, digest, seq) is checked, and a record id is read once. A
 * writer does not extend a log it can tell was altered. Whether the signed records are the ones signed is checked
 * against the last checkpoint by openLogWriter (checkHead): an altered record no longer leads to its root.
 */
function scanForAppend(logFile: string): AppendState {
  const frontier = treeFrontier();
  const renderings = new Map<string, string>();
  let head: AppendState['head'] = null;
  let prev = ZERO_DIGEST;
  // The first line after the last checkpoint: the lines from there on are parsed whole at the end.
  let sinceHead: LinePosition | null = null;
  // Records under the last checkpoint: the first unsigned record's seq.
  let signed = 0;
  const signers: string[] = [];
  const torn = forEachLine(logFile, 'audit log', (bytes, at) => {
    const line = skimRecordLine(bytes) ?? lineOf(parsedOrFail(logFile, bytes, at.index));
    const problem = nextLineProblem(line, { prev, records: frontier.size(), ids: renderings, head: head?.checkpoint, signers });
    if (problem) fail(`${logFile}: line ${at.index + 1}: ${problem}; not extended: run lrp-report audit verify`);
    prev = line.digest;
    if (line.kind === 'checkpoint') {
      signers.push(line.checkpoint.key_id);
      head = { checkpoint: line.checkpoint, rootThen: frontier.root() };
      signed = frontier.size();
      sinceHead = null;
      return;
    }
    sinceHead ??= at;
    frontier.push(leafHash(Buffer.from(line.recordDigest, 'hex')));
    renderings.set(line.recordId, line.renderingKey);
  });
  const unsigned: AppendState['unsigned'] = new Map();
  let seq = signed;
  if (sinceHead) {
    forEachLine(logFile, 'audit log', (bytes, at) => {
      const { line, recordDigest } = parsedOrFail(logFile, bytes, at.index);
      if (line.type === 'record') unsigned.set(line.record.record_id, { seq: seq++, digest: recordDigest!, record: line.record });
    }, { from: sinceHead });
  }
  return { frontier, prev, renderings, head, unsigned, torn, signers };
}

/** What a line's place in the log is judged on (nextLineProblem), whoever reads it: the writer's scan, verify. */
type LinePlace = { readonly digest: string; readonly prev: string; readonly lineDigest: string } & (
  | { readonly kind: 'record'; readonly seq: number; readonly recordId: string }
  | { readonly kind: 'checkpoint'; readonly checkpoint: Checkpoint }
);

/** What the writer's scan needs of a line, skimmed or parsed: its place, and a record's leaf and documents. */
type ScannedLine = (LinePlace & { readonly kind: 'checkpoint' }) | (LinePlace & { readonly kind: 'record'; readonly recordDigest: string; readonly renderingKey: string });

/** Where a reading stands: what the next line must continue. */
interface ScanPosition {
  readonly prev: string;
  readonly records: number;
  readonly ids: { has(recordId: string): boolean };
  readonly head: Checkpoint | undefined;
  readonly signers: readonly string[];
}

/** Why `line` cannot come next: its chain link or digest, a record's seq or id, a checkpoint's place; or null. */
function nextLineProblem(line: LinePlace, at: ScanPosition): string | null {
  return linkProblem(line, at.prev) ?? placeProblem(line, at);
}

/** Whether the line links to the one before and carries its own digest. */
function linkProblem(line: LinePlace, prev: string): string | null {
  if (line.prev !== prev) return 'prev is not the digest of the line before (chain broken)';
  if (line.digest !== line.lineDigest) return 'digest does not match the line';
  return null;
}

/** A record's seq and id, a checkpoint's place (checkpointPlaceProblem). */
function placeProblem(line: LinePlace, at: ScanPosition): string | null {
  if (line.kind === 'checkpoint') return checkpointPlaceProblem(line.checkpoint, at.records, at.head, at.signers);
  if (line.seq !== at.records) return `seq ${line.seq} where ${at.records} was due`;
  if (at.ids.has(line.recordId)) return `duplicate record id ${line.recordId}`;
  return null;
}

function placeOf({ line, lineDigest }: ParsedLine): LinePlace {
  const { digest, prev } = line;
  return line.type === 'checkpoint' ? { digest, prev, lineDigest, kind: 'checkpoint', checkpoint: line.checkpoint } : { digest, prev, lineDigest, kind: 'record', seq: line.seq, recordId: line.record.record_id };
}

function lineOf(parsed: ParsedLine): ScannedLine {
  const place = placeOf(parsed);
  if (place.kind === 'checkpoint') return place;
  const { record } = parsed.line as RecordLine;
  return { ...place, recordDigest: parsed.recordDigest!, renderingKey: renderingKey(record.rendered) };
}

const RECORD_LINE_START = Buffer.from('{"digest":"');
const RECORD_LINE_PREV = Buffer.from('","prev":"');
const RECORD_LINE_RECORD = Buffer.from('","record":');
const RECORD_ID_KEY = Buffer.from('"record_id":"');
const RECORD_LINE_END = /^,"seq":(0|[1-9][0-9]*),"type":"record"}$/;
const isHexAt = (bytes: Buffer, from: number, to: number): boolean => {
  for (let k = from; k < to; k++) if (!((bytes[k] >= 0x30 && bytes[k] <= 0x39) || (bytes[k] >= 0x61 && bytes[k] <= 0x66))) return false;
  return true;
};

/**
 * What a writer keeps of a record line, read without parsing the record: its digest and prev, the digests it should
 * carry (line and record, hashed over the line's bytes as parseLine does), its seq, the record id and rendered
 * documents (from the record's last members, record_id to status, in canonical order). Null when the line is not laid
 * out so, or its documents cannot be read; the caller then parses it whole, which names the problem. The last
 * members parse as one object only when the slice starts at the record's top level: from a "record_id" key nested
 * deeper, the record's closing braces are left unmatched.
 */
function skimRecordLine(bytes: Buffer): ScannedLine | null {
  const prevAt = RECORD_LINE_START.length + 64;
  const recordKeyAt = prevAt + RECORD_LINE_PREV.length + 64;
  if (bytes.length <= RECORD_AT || bytes.compare(RECORD_LINE_START, 0, RECORD_LINE_START.length, 0, RECORD_LINE_START.length) !== 0) return null;
  if (bytes.compare(RECORD_LINE_PREV, 0, RECORD_LINE_PREV.length, prevAt, prevAt + RECORD_LINE_PREV.length) !== 0) return null;
  if (bytes.compare(RECORD_LINE_RECORD, 0, RECORD_LINE_RECORD.length, recordKeyAt, RECORD_AT) !== 0) return null;
  if (!isHexAt(bytes, RECORD_LINE_START.length, prevAt) || !isHexAt(bytes, prevAt + RECORD_LINE_PREV.length, recordKeyAt)) return null;
  const seqAt = bytes.lastIndexOf(SEQ_KEY);
  const end = seqAt < RECORD_AT ? null : RECORD_LINE_END.exec(bytes.toString('latin1', seqAt));
  if (!end) return null;
  const record = bytes.subarray(RECORD_AT, seqAt);
  const idAt = record.lastIndexOf(RECORD_ID_KEY);
  if (idAt < 0) return null;
  let last: Record<string, unknown>;
  let documents: string;
  try {
    last = JSON.parse(`{${record.toString('utf8', idAt)}`) as Record<string, unknown>;
    if (Object.keys(last).join() !== 'record_id,rendered,schema_version,software,status' || typeof last.record_id !== 'string') return null;
    documents = renderingKey(last.rendered as AuditRecord['rendered']);
  } catch {
    return null;
  }
  return {
    kind: 'record',
    digest: bytes.toString('latin1', RECORD_LINE_START.length, prevAt),
    prev: bytes.toString('latin1', prevAt + RECORD_LINE_PREV.length, recordKeyAt),
    ...recordLineDigests(bytes, seqAt),
    seq: Number(end[1]),
    recordId: last.record_id,
    renderingKey: documents,
  };
}

/** A record's documents in a short fixed-size form (a writer holds one per record). */
const renderingKey = (rendered: AuditRecord['rendered']): string => sha256Hex(canonicalize(rendered));

/** Opens a log for appending (created by the first append); a torn last line is refused unless `repair` truncates it. */
export function openLogWriter(logFile: string, options: OpenOptions = {}): LogWriter {
  const exists = fs.existsSync(logFile);
  // Found out now, before the caller writes the documents the records will point at.
  const folder = path.dirname(path.resolve(logFile));
  try {
    fs.accessSync(exists ? logFile : folder, fs.constants.W_OK);
  } catch (e) {
    fail(`cannot write ${logFile}: ${systemReason(e)}`);
  }
  if (!exists && !fs.statSync(folder).isDirectory()) fail(`cannot write ${logFile}: ${path.dirname(logFile)} is not a folder`);
  const state = exists ? scanForAppend(logFile) : emptyLog();
  const { frontier, prev: lastDigest, renderings, head, unsigned, torn } = state;
  if (torn && !options.repair) {
    fail(`${logFile}: the last line is incomplete (${torn.bytes} bytes at offset ${torn.offset}, a crash mid-write?); truncate it with: lrp-report audit repair ${logFile}`);
  }
  if (torn && completesChain(logFile, torn, state, options.trust)) {
    io(logFile, () => appendDurably(logFile, '\n'));
    return { ...openLogWriter(logFile, options), completedLastLine: true };
  }
  let tree = frontier;
  let prev = lastDigest;
  let signed = head?.checkpoint.size ?? 0;
  let lastSigned: Checkpoint | null = head?.checkpoint ?? null;
  // The records under the last checkpoint must be the ones it signs: an altered one no longer leads to its root.
  if (head && !head.rootThen.equals(Buffer.from(head.checkpoint.root, 'hex'))) {
    fail(`${logFile}: its last checkpoint is not the head of its records (an edit?); not extended: run lrp-report audit verify`);
  }
  let headVerified = false;
  // And the checkpoint must verify under a key this run trusts.
  const checkHead = (keys: readonly KeyObject[]) => {
    if (headVerified || !head) return;
    const ring = keyRing(keys);
    const { checkpoint } = head;
    if (!ring.has(checkpoint.key_id)) {
      fail(`${logFile}: its last checkpoint is signed by key ${checkpoint.key_id}, which this run cannot verify: if the log was signed with a key since rotated, give that key's public key (--audit-earlier-key PUB.pem); otherwise the log was altered: run lrp-report audit verify`);
    }
    const problem = checkpointProblem(checkpoint, ring);
    if (problem) fail(`${logFile}: its last checkpoint does not verify (${problem}); not extended: run lrp-report audit verify`);
    headVerified = true;
  };
  if (options.trust) checkHead(options.trust);
  if (torn) {
    io(logFile, () => {
      const fd = fs.openSync(logFile, 'r+');
      try {
        fs.ftruncateSync(fd, torn.offset);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    });
  }
  let created = !exists;

  let broken = false;
  const append = (batch: readonly AuditRecord[], { key, timestamp }: AppendOptions = {}): AppendResult => {
    if (broken) fail(`${logFile}: an earlier append failed part-way; open the log again`);
    if (timestamp !== undefined && !isUtcTime(timestamp)) fail(`checkpoint timestamp ${timestamp} is not an RFC 3339 UTC time that exists`);
    const valid = batch.map((r, i) => validateRecord(r, `audit record ${i + 1} of ${batch.length}`));
    const fresh = new Set<string>();
    for (const r of valid) {
      if (renderings.has(r.record_id) || fresh.has(r.record_id)) fail(`audit record ${r.record_id} is already in ${logFile}`);
      fresh.add(r.record_id);
    }
    // Every line is built before the file is touched: a record that cannot be canonicalized writes nothing.
    const digests = valid.map((record) => {
      try {
        return recordDigest(record);
      } catch (e) {
        return fail(`audit record ${record.record_id}: ${(e as Error).message}`);
      }
    });
    let chain = prev;
    const lines = valid.map((record, i) => {
      const line = { type: 'record' as const, seq: tree.size() + i, prev: chain, record };
      chain = lineDigest(line);
      return lineText({ ...line, digest: chain });
    });
    const grown = tree.copy();
    for (const d of digests) grown.push(leafHash(Buffer.from(d, 'hex')));
    let checkpoint: Checkpoint | null = null;
    if (key && grown.size() > signed) {
      const [first] = unsigned.values();
      if (first) fail(unvouchedMessage(logFile, first.seq, first.record.record_id));
      checkHead([createPublicKey(key), ...(options.trust ?? [])]);
      checkpoint = signCheckpoint(grown.size(), grown.root(), key, timestamp ?? new Date().toISOString());
      // A clock set back would sign a checkpoint older than the one before it, which verification refuses.
      if (lastSigned && timeGoesBack(lastSigned, checkpoint)) fail(`${logFile}: the checkpoint time ${checkpoint.timestamp} is before the log's last checkpoint (${lastSigned.timestamp}); nothing signed: check the system clock`);
      const line = { type: 'checkpoint' as const, prev: chain, checkpoint };
      chain = lineDigest(line);
      lines.push(lineText({ ...line, digest: chain }));
    }

    broken = true;
    if (lines.length) io(logFile, () => {
      const fd = fs.openSync(logFile, 'a');
      try {
        // Records durable before the checkpoint that signs them.
        for (const [i, text] of lines.entries()) {
          if (checkpoint && i === lines.length - 1) fs.fsyncSync(fd);
          writeWhole(fd, text);
        }
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      if (created) fsyncDir(logFile);
    });
    broken = false;
    created = false;
    prev = chain;
    tree = grown;
    for (const r of valid) renderings.set(r.record_id, renderingKey(r.rendered));
    if (checkpoint) {
      signed = checkpoint.size;
      lastSigned = checkpoint;
    }
    return { size: grown.size(), digests, checkpoint };
  };

  return {
    size: () => tree.size(),
    has: (recordId) => renderings.has(recordId),
    hasRendering: (recordId, rendered) => renderings.get(recordId) === renderingKey(rendered),
    repairedBytes: torn?.bytes ?? 0,
    completedLastLine: false,
    vouchFor(record) {
      const left = unsigned.get(record.record_id);
      if (!left) return renderings.has(record.record_id);
      if (recordDigest(record) !== left.digest) return false;
      unsigned.delete(record.record_id);
      return true;
    },
    unvouched: () => [...unsigned.values()].map((u) => ({ seq: u.seq, recordId: u.record.record_id })),
    allSigned: () => signed === tree.size(),
    acceptUnsigned() {
      const accepted = [...unsigned.values()].map((u) => u.record);
      unsigned.clear();
      return accepted;
    },
    append,
  };
}

/**
 * Whether a torn last line is complete but for its newline: a line in form that continues the chain and passes what
 * opening would check of it (checked before the file is touched): a record with the next seq, a new id and a valid
 * form; a checkpoint in its place, heading the records, its signature verifying when keys are trusted.
 */
function completesChain(logFile: string, torn: TornTail, state: AppendState, trust: readonly KeyObject[] | undefined): boolean {
  if (torn.bytes > MAX_LINE_BYTES) return false;
  const bytes = Buffer.alloc(torn.bytes);
  io(logFile, () => {
    const fd = fs.openSync(logFile, 'r');
    try {
      fs.readSync(fd, bytes, 0, torn.bytes, torn.offset);
    } finally {
      fs.closeSync(fd);
    }
  });
  const { parsed } = parseLine(bytes);
  if (!parsed) return false;
  const position = { prev: state.prev, records: state.frontier.size(), ids: state.renderings, head: state.head?.checkpoint, signers: state.signers };
  if (nextLineProblem(placeOf(parsed), position) !== null) return false;
  const { line } = parsed;
  if (line.type === 'record') {
    try {
      validateRecord(line.record, 'record');
    } catch {
      return false;
    }
    return true;
  }
  const { checkpoint } = line;
  if (!state.frontier.root().equals(Buffer.from(checkpoint.root, 'hex'))) return false;
  return trust === undefined || checkpointProblem(checkpoint, keyRing(trust)) === null;
}

function appendDurably(logFile: string, text: string): void {
  const fd = fs.openSync(logFile, 'a');
  try {
    writeWhole(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The log's unsigned record of a decision differs from the one this run made: it cannot be vouched for. */
export function otherRecord(logFile: string, recordId: string): string {
  return `${logFile} holds another record of decision ${recordId}, signed by no checkpoint (left by an earlier run of different code or settings, or an edit of the log); check it with lrp-report audit verify`;
}

/** Why a signature is refused: a record in the log that nobody in this run vouched for. */
export function unvouchedMessage(logFile: string, seq: number, recordId: string): string {
  return `${logFile}: record #${seq} (${recordId}) is signed by no checkpoint and was not made again by this run, so nothing is signed: a run that crashed before signing it, or an edit of the log. Run its case again with this log, or check the log with lrp-report audit verify and sign what you have checked with lrp-report audit seal`;
}

/** Opens the log, appends one batch (see LogWriter.append) and closes it. */
export function appendRecords(logFile: string, batch: readonly AuditRecord[], options: AppendOptions & OpenOptions = {}): AppendResult {
  return openLogWriter(logFile, options).append(batch, options);
}

function io(logFile: string, act: () => void): void {
  try {
    act();
  } catch (e) {
    fail(`cannot write ${logFile}: ${systemReason(e)}`);
  }
}

const lineText = (line: LogLine): string => `${canonicalize(line)}\n`;

/** The whole line in one write (looping only on a short write, which regular files do not do in practice). */
function writeWhole(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

/** A new file's directory entry must be durable too. */
function fsyncDir(file: string): void {
  const fd = fs.openSync(path.dirname(path.resolve(file)), 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Verifying

export interface VerifyResult {
  readonly ok: boolean;
  /** Records read in order up to the first problem (all of them when ok). */
  readonly size: number;
  /** Those of them that `keep` chose (a command that verifies a log then reads it needs no second parse). */
  readonly records: readonly AuditRecord[];
  /** Checkpoints verified. */
  readonly checkpoints: number;
  /** Leaf index of the first record not vouched for: the bad record, or the first one a bad checkpoint covers. */
  readonly firstBadSeq?: number;
  /** Its record id, when the line could be read. */
  readonly firstBadRecordId?: string;
  /** Records read before the problem stopped the check (a bad line after all of them names no record). */
  readonly recordsRead?: number;
  /** 1-based line of the first problem. */
  readonly line?: number;
  readonly reason: string;
}

export interface VerifyOptions {
  /**
   * Checkpoints the verifier kept from earlier (an auditor's copies): the log must still extend each one. This
   * is what catches a log cut back to an earlier checkpoint, which the file alone cannot show.
   */
  readonly known?: readonly Checkpoint[];
  /** Records after the last checkpoint are no problem (`audit seal` checks everything else before signing them). */
  readonly unsignedTail?: boolean;
  /** Which verified records to return (default none: a log may hold millions). */
  readonly keep?: (record: AuditRecord) => boolean;
}

interface Problem {
  readonly line: number;
  readonly seq: number;
  readonly reason: string;
}

/**
 * Checks, in file order: each line's form and digest, the chain, record seq contiguity, every record against
 * the schema, unique record ids; each checkpoint's signature (key chosen by key_id among `publicKeys`), that its
 * size is the number of records before it and grows, that its root is the tree head of those records, and a
 * consistency proof from the previous checkpoint; finally that the file ends with a complete line and every
 * record is covered by a checkpoint; and that the log extends every `known` checkpoint. Reports the first problem.
 */
export function verifyLog(logFile: string, publicKeys: KeyObject | readonly KeyObject[], options: VerifyOptions = {}): VerifyResult {
  const keys = keyRing(publicKeys);
  const recordIds: string[] = [];
  const kept: { seq: number; record: AuditRecord }[] = [];
  const keep = options.keep ?? (() => false);
  const leaves: Buffer[] = [];
  const cps: { line: number; checkpoint: Checkpoint }[] = [];
  const ids = new Set<string>();
  const signers: string[] = [];
  let prev = ZERO_DIGEST;
  let problem: Problem | null = null;
  let lineCount = 0;
  // The record id the last line read names (the problem's line, or the log's last): the bytes are gone once read.
  let lastLineId: { firstBadRecordId?: string } = {};

  // Pass 1, streaming: form, chain, records; checkpoint signatures and sizes.
  const torn = forEachLine(logFile, 'audit log', (bytes, { index: i }) => {
    lineCount = i + 1;
    const at = (reason: string): Problem => ({ line: i + 1, seq: recordIds.length, reason });
    const { parsed, problem: malformed } = parseLine(bytes);
    problem = parsed ? lineProblem(parsed, { prev, records: recordIds.length, ids, head: cps.at(-1)?.checkpoint, signers }, keys, at) : at(malformed);
    if (problem) {
      lastLineId = recordIdAt(bytes);
      return false;
    }
    const { line, recordDigest } = parsed!;
    if (line.type === 'record') {
      if (keep(line.record)) kept.push({ seq: recordIds.length, record: line.record });
      recordIds.push(line.record.record_id);
      leaves.push(leafHash(Buffer.from(recordDigest!, 'hex')));
      ids.add(line.record.record_id);
      lastLineId = { firstBadRecordId: line.record.record_id };
    } else {
      cps.push({ line: i + 1, checkpoint: line.checkpoint });
      signers.push(line.checkpoint.key_id);
      lastLineId = {};
    }
    prev = line.digest;
    return true;
  });

  // Pass 2: tree heads and consistency of the checkpoints read (all before any pass-1 problem).
  const tree = merkleTree(leaves);
  let verified = 0;
  for (const [k, { line, checkpoint }] of cps.entries()) {
    const before = k > 0 ? cps[k - 1].checkpoint : null;
    const seq = before?.size ?? 0;
    const root = Buffer.from(checkpoint.root, 'hex');
    if (before && !verifyConsistency(before.size, checkpoint.size, Buffer.from(before.root, 'hex'), root, tree.consistencyProof(before.size, checkpoint.size))) {
      problem = { line, seq, reason: `checkpoint of size ${checkpoint.size} is not consistent with the checkpoint of size ${before.size}` };
      break;
    }
    if (!tree.root(checkpoint.size).equals(root)) {
      problem = { line, seq, reason: `checkpoint root does not match records 0..${checkpoint.size - 1}` };
      break;
    }
    verified++;
  }

  for (const known of problem ? [] : (options.known ?? [])) {
    const invalid = checkpointProblem(known, keys);
    const size = known.size;
    if (invalid || size > recordIds.length || !tree.root(size).equals(Buffer.from(known.root, 'hex'))) {
      const why = invalid ?? (size > recordIds.length ? `the log holds only ${recordIds.length} records` : 'its root does not match the log');
      // A root that does not match vouches for none of the records it signs (which one changed, roots cannot tell);
      // a log shorter than the checkpoint lacks the records from its end on.
      const seq = invalid || size > recordIds.length ? Math.min(size, recordIds.length) : 0;
      problem = { line: lineCount, seq, reason: `the log does not extend the known checkpoint of size ${size} (${why})` };
      break;
    }
  }
  const covered = cps.at(-1)?.checkpoint.size ?? 0;
  if (!problem && torn) {
    problem = { line: lineCount + 1, seq: recordIds.length, reason: `last line incomplete (${torn.bytes} bytes, a crash mid-write?)` };
  }
  if (!problem && covered < recordIds.length && !options.unsignedTail) {
    problem = { line: lineCount, seq: covered, reason: `records ${covered}..${recordIds.length - 1} are not covered by a signed checkpoint (a run that stopped before signing them: run their cases again with this log, or check them and sign them with lrp-report audit seal)` };
  }
  if (!problem) return { ok: true, size: recordIds.length, records: kept.map((k) => k.record), checkpoints: verified, reason: `${recordIds.length} records, ${verified} checkpoints verified` };
  const bad = recordIds[problem.seq] as string | undefined;
  return {
    ok: false,
    size: Math.min(recordIds.length, problem.seq),
    records: kept.filter((k) => k.seq < problem!.seq).map((k) => k.record),
    checkpoints: verified,
    firstBadSeq: problem.seq,
    recordsRead: recordIds.length,
    ...(bad ? { firstBadRecordId: bad } : problem.line === lineCount ? lastLineId : {}),
    line: problem.line,
    reason: `line ${problem.line}: ${problem.reason}`,
  };
}

/**
 * What verify finds wrong with a line in form: its place in the log (as a writer checks it), and what only verify
 * checks: a record's schema, a checkpoint's signature. A checkpoint's own problems leave the records it signs unvouched.
 */
function lineProblem(parsed: ParsedLine, position: ScanPosition, keys: KeyRing, at: (reason: string) => Problem): Problem | null {
  const place = placeOf(parsed);
  const link = linkProblem(place, position.prev);
  if (link) return at(link);
  const { line } = parsed;
  if (line.type === 'checkpoint') {
    const wrong = checkpointProblem(line.checkpoint, keys) ?? placeProblem(place, position);
    return wrong ? { ...at(wrong), seq: position.head?.size ?? 0 } : null;
  }
  const misplaced = placeProblem(place, position);
  if (misplaced) return at(misplaced);
  try {
    validateRecord(line.record, 'record');
  } catch (e) {
    if (e instanceof UserError) return at(e.message);
    throw e;
  }
  return null;
}

/**
 * Why a checkpoint cannot stand where it is, its signature aside: it must sign exactly the records before it, more
 * than the checkpoint before it, not earlier in time, and not under a key that signed before another key took over
 * (`signers`: the keys of the checkpoints before it, in order). A key rotated from does not sign again: whoever
 * holds a retired, perhaps leaked, key could otherwise add checkpoints that a writer trusting it would sign on from.
 */
function checkpointPlaceProblem(checkpoint: Checkpoint, records: number, before: Checkpoint | undefined, signers: readonly string[]): string | null {
  if (checkpoint.size !== records) return `checkpoint of size ${checkpoint.size} after ${records} records`;
  if (before && checkpoint.size <= before.size) return `checkpoint size ${checkpoint.size} does not grow past ${before.size}`;
  if (before && timeGoesBack(before, checkpoint)) return `checkpoint timestamp ${checkpoint.timestamp} is before the previous checkpoint's ${before.timestamp}`;
  const last = signers.at(-1);
  if (last !== undefined && checkpoint.key_id !== last && signers.includes(checkpoint.key_id)) return `checkpoint signed by key ${checkpoint.key_id} again after key ${last} took over (a key rotated from does not sign again)`;
  return null;
}

/** The record id a damaged line claims, if it can be read at all (to name it in the report). */
function recordIdAt(bytes: Buffer | undefined): { firstBadRecordId?: string } {
  // The first 64 KB: a damaged line can be of any length.
  const id = bytes ? /"record_id":"([A-Za-z0-9._:-]{1,128})"/.exec(bytes.toString('latin1', 0, Math.min(bytes.length, 65536)))?.[1] : undefined;
  return id ? { firstBadRecordId: id } : {};
}

// ---------------------------------------------------------------------------------------------------------------
// Reading for proofs (proof.ts)

/** A log's contents for proofs: every leaf, the records a caller asked for, the checkpoints. */
export interface LogContents {
  /** Every record's Merkle leaf, in log order. */
  readonly leaves: readonly Buffer[];
  /** The records `keep` chose, with their leaf index (only those: a log may hold millions). */
  readonly records: readonly { readonly seq: number; readonly record: AuditRecord }[];
  readonly checkpoints: readonly Checkpoint[];
}

/** Reads a log for proofs; refuses a malformed or torn log (proofs come from complete logs only). */
export function readLogContents(logFile: string, keep: (record: AuditRecord) => boolean): LogContents {
  const leaves: Buffer[] = [];
  const records: { seq: number; record: AuditRecord }[] = [];
  const checkpoints: Checkpoint[] = [];
  const ids = new Set<string>();
  const torn = forEachLine(logFile, 'audit log', (bytes, { index }) => {
    const { line, recordDigest } = parsedOrFail(logFile, bytes, index);
    if (line.type === 'checkpoint') {
      checkpoints.push(line.checkpoint);
      return;
    }
    // A proof names a record by its id: a log with two records of one id proves nothing about either.
    if (ids.has(line.record.record_id)) fail(`${logFile}: line ${index + 1}: duplicate record id ${line.record.record_id}; no proof made: run lrp-report audit verify`);
    ids.add(line.record.record_id);
    if (keep(line.record)) records.push({ seq: leaves.length, record: line.record });
    leaves.push(leafHash(Buffer.from(recordDigest!, 'hex')));
  });
  if (torn) fail(`${logFile}: the last line is incomplete (a crash mid-write?); repair the log first`);
  return { leaves, records, checkpoints };
}
