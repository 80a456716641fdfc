/** Reads a file the user named; a missing or unreadable one is a one-line error naming it and what it was for. */
import fs from 'node:fs';
import { fail } from '../errors.js';

export function readFileOrFail(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    fail(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}
