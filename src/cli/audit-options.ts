/** The audit flags shared by `report` and `batch`: a log, the key that signs its checkpoints, keys rotated from. */
import fs from 'node:fs';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { loadPrivateKey, loadPublicKey } from '../audit/keys.js';
import { fail } from '../errors.js';
import { readFileOrFail } from '../io/read.js';

export interface AuditTarget {
  readonly log: string;
  readonly key: KeyObject;
  /** Public keys the log's last checkpoint may be signed with: the signing key's and `--audit-earlier-key`s. */
  readonly trust: readonly KeyObject[];
}

/** Public keys from PEM files the user named (--key, --earlier-key, --audit-earlier-key). */
export const readPublicKeys = (files: readonly string[]): KeyObject[] => files.map((f) => loadPublicKey(readFileOrFail(f, 'public key'), f));

/** The keys a log signed with `key` may end with a checkpoint of: its own public key and those of keys rotated from. */
export const trustedKeys = (key: KeyObject, earlierKeyFiles: readonly string[]): KeyObject[] => [createPublicKey(key), ...readPublicKeys(earlierKeyFiles)];

/** The option of both commands: public keys of keys since rotated, whose checkpoints a log may end with. */
export const EARLIER_KEY_OPTION = { 'audit-earlier-key': { type: 'string', multiple: true } } as const;

export function auditTarget(log: string | undefined, keyFile: string | undefined, earlierKeyFiles: readonly string[] = []): AuditTarget | undefined {
  if (log === undefined && keyFile === undefined) {
    if (earlierKeyFiles.length > 0) fail('--audit-earlier-key needs --audit LOG and --audit-key KEY.pem');
    return undefined;
  }
  if (log === undefined) fail('--audit-key needs --audit LOG');
  if (keyFile === undefined) fail('--audit LOG needs --audit-key KEY.pem (checkpoints are signed; create a key with: lrp-report audit keygen --out DIR)');
  if (fs.existsSync(log) && fs.statSync(log).isDirectory()) fail(`--audit: ${log} is a folder, not a log file`);
  const key = loadPrivateKey(readFileOrFail(keyFile, 'audit signing key'), keyFile);
  return { log, key, trust: trustedKeys(key, earlierKeyFiles) };
}
