/**
 * A batch: every case of a folder or CSV through a domain, on worker threads, resumable. Per case, in order:
 * the worker writes its files (atomically), the main thread appends its audit record (the only log writer),
 * then journals it. After a crash at any point a re-run skips journalled cases and, for a case whose record
 * made it into the log but not into the journal, journals it without recording it twice.
 */
import type { KeyObject } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LogWriter } from '../audit/log.js';
import { openLogWriter } from '../audit/log.js';
import fs from 'node:fs';
import { fail, UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { packagePath } from '../paths.js';
import type { ReportFormat } from '../report/render.js';
import { listCases, type BatchCase } from './cases.js';
import { openJournal, type JournalEntry } from './journal.js';
import { createProgress } from './progress.js';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';

export interface BatchOptions {
  readonly domain: string;
  readonly profile?: string;
  readonly cases: string;
  readonly outDir: string;
  readonly locale: string;
  readonly formats: readonly ReportFormat[];
  readonly workers: number;
  readonly audit?: { readonly log: string; readonly key: KeyObject; readonly checkpointEvery: number };
}

export interface BatchSummary {
  readonly total: number;
  readonly reported: number;
  readonly escalated: number;
  readonly failed: number;
  /** Cases skipped because an earlier run had finished them. */
  readonly resumed: number;
  readonly summaryFile: string;
}

export const SUMMARY_FILE = 'summary.csv';
const WORKER = packagePath('dist', 'src', 'batch', 'worker.js');

export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  if (!fs.existsSync(WORKER)) fail(`${WORKER} is missing: run npm run build`);
  const cases = listCases(options.cases);
  const journal = openJournal(options.outDir);
  const log = options.audit ? openLogWriter(options.audit.log, { repair: true }) : null;
  if (log && log.repairedBytes > 0) process.stderr.write(`batch: ${options.audit!.log}: removed an incomplete last line (${log.repairedBytes} bytes) left by an interrupted run\n`);
  const todo = cases.filter((c) => !journal.done.has(c.key));
  const resumed = cases.length - todo.length;
  const progress = createProgress(cases.length, resumed);
  let failed = [...journal.done.values()].filter((e) => e.status === 'failed').length;
  let sinceCheckpoint = 0;

  const record = (entry: JournalEntry) => {
    journal.append(entry);
    if (entry.status === 'failed') failed++;
    progress.update(journal.done.size, failed);
  };
  const onResult = (m: FromWorker & { type: 'done' | 'failed' }) => {
    if (m.type === 'failed') return record({ key: m.key, case_id: null, status: 'failed', decision: null, probability: null, record_id: null, files: [], error: m.error });
    if (log && !log.has(m.record.record_id)) {
      const sign = ++sinceCheckpoint >= options.audit!.checkpointEvery;
      log.append([m.record], sign ? { key: options.audit!.key } : {});
      if (sign) sinceCheckpoint = 0;
    }
    record({ key: m.key, case_id: m.caseId, status: m.status, decision: m.decision, probability: m.probability, record_id: m.record.record_id, files: m.files.map((f) => path.relative(options.outDir, f)), error: null });
  };

  try {
    await runWorkers(todo, Math.max(1, Math.min(options.workers, todo.length)), { domain: options.domain, profile: options.profile, outDir: path.resolve(options.outDir), locale: options.locale, formats: options.formats }, onResult);
    // Every record, including any an interrupted run left unsigned, under one signed checkpoint.
    if (log) log.append([], { key: options.audit!.key });
  } finally {
    journal.close();
  }
  progress.finish(journal.done.size, failed);
  const entries = cases.map((c) => journal.done.get(c.key)!);
  const summaryFile = path.join(options.outDir, SUMMARY_FILE);
  writeFileAtomic(summaryFile, summaryCsv(entries));
  return {
    total: cases.length,
    reported: entries.filter((e) => e.status === 'reported').length,
    escalated: entries.filter((e) => e.status === 'escalated').length,
    failed: entries.filter((e) => e.status === 'failed').length,
    resumed,
    summaryFile,
  };
}

/** Hands one case at a time to each idle worker until none is left; resolves when every result is in. */
function runWorkers(todo: readonly BatchCase[], count: number, setup: WorkerSetup, onResult: (m: FromWorker & { type: 'done' | 'failed' }) => void): Promise<void> {
  if (todo.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let next = 0;
    let pending = todo.length;
    let stopped = false;
    const workers: Worker[] = [];
    const stopAll = () => {
      stopped = true;
      for (const w of workers) w.postMessage({ type: 'stop' } satisfies ToWorker);
    };
    const feed = (w: Worker) => {
      if (next < todo.length) {
        const c = todo[next++];
        w.postMessage({ type: 'case', key: c.key, ref: c.ref } satisfies ToWorker);
      }
    };
    for (let i = 0; i < count; i++) {
      // One onnxruntime thread per worker: the workers are the parallelism (see threadOptions).
      const w = new Worker(WORKER, { workerData: setup, env: { ...process.env, LRP_REPORT_THREADS: '1' }, resourceLimits: { maxOldGenerationSizeMb: Math.max(1024, Math.floor(os.totalmem() / 1024 / 1024 / (2 * count))) } });
      workers.push(w);
      w.on('message', (m: FromWorker) => {
        if (stopped) return;
        if (m.type === 'ready') return feed(w);
        if (m.type === 'fatal') {
          stopAll();
          return reject(new UserError(m.error));
        }
        // The next case goes out first: the worker renders it while this thread records (and fsyncs) the last.
        feed(w);
        try {
          onResult(m);
        } catch (e) {
          stopAll();
          return reject(e);
        }
        if (--pending === 0) {
          stopAll();
          resolve();
        }
      });
      w.on('error', (e) => {
        if (!stopped) {
          stopAll();
          reject(e);
        }
      });
    }
  });
}

function summaryCsv(entries: readonly JournalEntry[]): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = entries.map((e) => [e.key, e.case_id, e.status, e.decision, e.probability, e.record_id, e.files.join(' '), e.error].map(cell).join(','));
  return `case,case_id,status,decision,probability,record_id,files,error\n${rows.join('\n')}\n`;
}
