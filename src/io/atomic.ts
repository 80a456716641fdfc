/** Writes go to a temp file in the same folder and are renamed into place: never a half-written output. */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { threadId } from 'node:worker_threads';
import path from 'node:path';
import { fail, systemReason } from '../errors.js';

/** `mode`: the file's permissions from its creation on (a private key is never readable by others, not even briefly). */
export function writeFileAtomic(file: string, data: Uint8Array | string, mode?: number): void {
  const dir = path.dirname(path.resolve(file));
  // Unique across processes, worker threads (they share the pid) and calls in the same millisecond.
  // The UUID's first 12 hex digits (and a dash) are random: randomUUID draws from a cache of entropy (randomBytes
  // per call cost 26 us).
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${threadId}.${randomUUID().slice(0, 13)}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(temp, data, { flag: 'wx', mode });
    // The process's umask may have taken bits off at creation; set exactly what was asked for.
    if (mode !== undefined) fs.chmodSync(temp, mode);
    fs.renameSync(temp, file);
  } catch (e) {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // No temp file to remove (its folder could not be made): the error to report is the first one.
    }
    fail(`cannot write ${file}: ${systemReason(e)}`);
  }
}
