/**
 * The batch journal: one line per finished case, appended and fsynced after the case's files and audit record
 * are written (cases finished together are appended with one write and one fsync). A re-run skips journalled cases, so after a crash every case is reported exactly once. A torn
 * last line (a kill mid-write) is dropped: that case simply runs again.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CaseStatus } from '../domain/plugin.js';
import { fail, systemReason } from '../errors.js';

export type JournalStatus = CaseStatus | 'failed';

export interface JournalEntry {
  readonly key: string;
  /** The case's input as it was run (BatchCase.input); absent in journals written before it was kept. */
  readonly input_sha256?: string;
  readonly case_id: string | null;
  readonly status: JournalStatus;
  readonly decision: string | null;
  readonly probability: number | null;
  readonly record_id: string | null;
  /** What the operator should see beside the status (CaseDone.notes); absent in journals written before. */
  readonly notes?: readonly string[];
  readonly files: readonly string[];
  readonly error: string | null;
}

export const JOURNAL_FILE = 'batch-journal.jsonl';

export interface Journal {
  readonly done: ReadonlyMap<string, JournalEntry>;
  append(entries: readonly JournalEntry[]): void;
  close(): void;
}

export function openJournal(outDir: string): Journal {
  const file = path.join(outDir, JOURNAL_FILE);
  try {
    fs.mkdirSync(outDir, { recursive: true });
    fs.accessSync(outDir, fs.constants.W_OK);
  } catch (e) {
    fail(`cannot write ${file}: ${systemReason(e)}`);
  }
  const done = new Map<string, JournalEntry>();
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8');
    const complete = text.lastIndexOf('\n') + 1;
    // Only whole lines count; the rest is a write the crash cut short.
    if (complete < text.length) fs.truncateSync(file, Buffer.byteLength(text.slice(0, complete)));
    for (const line of text.slice(0, complete).split('\n').filter(Boolean)) {
      const entry = JSON.parse(line) as JournalEntry;
      done.set(entry.key, entry);
    }
  }
  const fd = fs.openSync(file, 'a');
  return {
    done,
    append(entries) {
      if (entries.length === 0) return;
      fs.writeSync(fd, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      fs.fsyncSync(fd);
      for (const e of entries) done.set(e.key, e);
    },
    close: () => fs.closeSync(fd),
  };
}
