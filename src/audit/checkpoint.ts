/**
 * Signed checkpoints (signed tree heads): {size, root, timestamp, key_id, signature}. The signature is Ed25519
 * over the UTF-8 bytes of CHECKPOINT_CONTEXT followed by the RFC 8785 canonical JSON of the other four fields;
 * the context line keeps these signatures from ever being valid for anything else signed with the same key.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { canonicalize } from './canonical.js';
import { HEX64 } from './hash.js';
import { keyId, type KeyRing } from './keys.js';

export const CHECKPOINT_CONTEXT = 'lrp-report audit checkpoint v1\n';

export interface Checkpoint {
  /** Number of records the tree holds: the first `size` records of the log. */
  readonly size: number;
  /** RFC 6962 tree head (hex) over those records' digests. */
  readonly root: string;
  /** RFC 3339 UTC. */
  readonly timestamp: string;
  readonly key_id: string;
  /** Ed25519, hex. */
  readonly signature: string;
}

const KEYS = ['key_id', 'root', 'signature', 'size', 'timestamp'];

function signedBytes(c: Omit<Checkpoint, 'signature'>): Buffer {
  return Buffer.from(CHECKPOINT_CONTEXT + canonicalize({ size: c.size, root: c.root, timestamp: c.timestamp, key_id: c.key_id }), 'utf8');
}

export function signCheckpoint(size: number, root: Buffer, privateKey: KeyObject, timestamp: string): Checkpoint {
  const unsigned = { size, root: root.toString('hex'), timestamp, key_id: keyId(privateKey) };
  return { ...unsigned, signature: sign(null, signedBytes(unsigned), privateKey).toString('hex') };
}

/** Why `value` is not a well-formed checkpoint validly signed by a key of `keys`; null when it is. */
export function checkpointProblem(value: unknown, keys: KeyRing): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'checkpoint is not an object';
  const c = value as Record<string, unknown>;
  if (Object.keys(c).sort().join() !== KEYS.join()) return `checkpoint fields must be ${KEYS.join(', ')}`;
  if (!Number.isSafeInteger(c.size) || (c.size as number) < 1) return 'checkpoint size must be a positive integer';
  if (typeof c.root !== 'string' || !HEX64.test(c.root)) return 'checkpoint root must be 64 hex digits';
  if (typeof c.timestamp !== 'string' || !isUtcTime(c.timestamp)) return 'checkpoint timestamp must be an RFC 3339 UTC time that exists';
  if (typeof c.key_id !== 'string' || !/^[0-9a-f]{16}$/.test(c.key_id)) return 'checkpoint key_id must be 16 hex digits';
  if (typeof c.signature !== 'string' || !/^[0-9a-f]{128}$/.test(c.signature)) return 'checkpoint signature must be 128 hex digits';
  const key = keys.get(c.key_id);
  if (!key) return `checkpoint signed by unknown key ${c.key_id}`;
  const cp = c as unknown as Checkpoint;
  if (!verify(null, signedBytes(cp), key, Buffer.from(cp.signature, 'hex'))) return 'checkpoint signature does not verify';
  return null;
}

/** Whether `later` was signed at an earlier time than `earlier`: checkpoints of one log never go back in time. */
export const timeGoesBack = (earlier: Checkpoint, later: Checkpoint): boolean => Date.parse(later.timestamp) < Date.parse(earlier.timestamp);

/**
 * An RFC 3339 UTC time ("…Z") whose fields name a real instant: Date.parse would take 2026-02-31 as 3 March and
 * 24:00:00 as the next day, so a checkpoint's time could be written two ways.
 */
export function isUtcTime(text: string): boolean {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z$/.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  // setUTCFullYear, not Date.UTC: that reads years 0-99 as 1900-1999.
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(hour, minute, second, 0);
  return t.getUTCFullYear() === year && t.getUTCMonth() === month - 1 && t.getUTCDate() === day && t.getUTCHours() === hour && t.getUTCMinutes() === minute && t.getUTCSeconds() === second;
}
