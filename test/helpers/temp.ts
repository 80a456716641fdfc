/** Temp folders for a test file, removed when its tests are done (a failed run's files go with them). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];

// Registered when a test file imports this module, i.e. while vitest collects that file. That is once per file
// because vitest isolates test files (its default); with --no-isolate only the first file would register it.
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new, empty folder under the OS temp folder; `prefix` names what made it. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
