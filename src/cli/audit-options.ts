/** The audit flags shared by `report` and `batch`: a log and the key that signs its checkpoints. */
import fs from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { loadPrivateKey } from '../audit/keys.js';
import { fail } from '../errors.js';
import { readFileOrFail } from '../io/read.js';

export function auditTarget(log: string | undefined, keyFile: string | undefined): { log: string; key: KeyObject } | undefined {
  if (log === undefined && keyFile === undefined) return undefined;
  if (log === undefined) fail('--audit-key needs --audit LOG');
  if (keyFile === undefined) fail('--audit LOG needs --audit-key KEY.pem (checkpoints are signed; create a key with: lrp-report audit keygen --out DIR)');
  if (fs.existsSync(log) && fs.statSync(log).isDirectory()) fail(`--audit: ${log} is a folder, not a log file`);
  return { log, key: loadPrivateKey(readFileOrFail(keyFile, 'audit signing key'), keyFile) };
}
