/** Reads a file the user named; a missing or unreadable one is a one-line error naming it and what it was for. */
import fs from 'node:fs';
import { fail, systemReason } from '../errors.js';

/** A text file the user named, strictly UTF-8: a Latin-1 export would otherwise turn values into near-misses. */
export function readUtf8File(file: string, what: string): string {
  const bytes = readFileOrFail(file, what);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    fail(`${file}: not valid UTF-8 text; save the file as UTF-8`);
  }
}

export function readFileOrFail(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    fail(`cannot read ${what} ${file}: ${systemReason(e)}`);
  }
}
