/**
 * A batch: every case of a folder or CSV through a domain, on worker threads, resumable. Per case, in order:
 * the worker writes its files (atomically), the main thread appends its audit record (the only log writer),
 * then journals it. After a crash at any point a re-run skips journalled cases and, for a case whose record
 * made it into the log but not into the journal, journals it without recording it twice.
 */
import type { KeyObject } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { AuditRecord } from '../audit/record.js';
import { openLogWriter, otherRecord, secondRendering } from '../audit/log.js';
import fs from 'node:fs';
import { fail, Interrupted, UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { packagePath } from '../paths.js';
import { fontsFor } from '../report/font-files.js';
import type { ReportFormat } from '../report/formats.js';
import { listCases, type BatchCase } from './cases.js';
import { openJournal, type JournalEntry } from './journal.js';
import { loadDomain } from '../domain/registry.js';
import { createProgress } from './progress.js';
import { settleSettings } from './settings.js';
import { casesAtOnce, planThreads, type ThreadPlan } from './plan.js';
import type { FromWorker, RenderWorkerSetup, ToWorker, WorkerSetup } from './protocol.js';

export interface BatchOptions {
  readonly domain: string;
  readonly profile?: string;
  /** Which of the domain's documents to produce (default: all). */
  readonly documents?: readonly string[];
  readonly cases: string;
  readonly outDir: string;
  readonly locale: string;
  readonly formats: readonly ReportFormat[];
  readonly workers: number;
  /** trust: public keys the log's last checkpoint may be signed with (openLogWriter). */
  readonly audit?: { readonly log: string; readonly key: KeyObject; readonly trust: readonly KeyObject[]; readonly checkpointEvery: number };
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
const RENDER_WORKER = packagePath('dist', 'src', 'batch', 'render-worker.js');

export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  for (const built of [WORKER, RENDER_WORKER]) if (!fs.existsSync(built)) fail(`${built} is missing: run npm run build`);
  // A missing font fails the batch before any case, whichever thread would render the PDFs.
  if (options.formats.includes('pdf')) fontsFor(options.locale);
  const { defaultProfile, renderShare, csvCases } = await loadDomain(options.domain);
  const cases = listCases(options.cases, { domain: options.domain, csv: csvCases });
  const journal = openJournal(options.outDir);
  // The default profile is named, so that a batch begun without --profile may be finished with it spelled out.
  settleSettings(options.outDir, { domain: options.domain, profile: options.profile ?? defaultProfile, documents: options.documents ?? null, locale: options.locale, formats: [...options.formats].sort(), audit: options.audit ? path.resolve(options.audit.log) : null }, { profile: defaultProfile });
  const log = options.audit ? openLogWriter(options.audit.log, { repair: true, trust: options.audit.trust }) : null;
  if (log && log.repairedBytes > 0) process.stderr.write(`batch: ${options.audit!.log}: removed an incomplete last line (${log.repairedBytes} bytes) left by an interrupted run\n`);
  if (log?.completedLastLine) process.stderr.write(`batch: ${options.audit!.log}: added the newline its last line lacked (the line itself was complete) after an interrupted run\n`);
  // Reported (or escalated) by an earlier run; failed cases run again, as their input or a file they read may be fixed.
  const reported = (entry: JournalEntry | undefined): entry is JournalEntry => entry?.status === 'reported' || entry?.status === 'escalated';
  // A case reported but edited since would keep its old letter and record: refused, naming it.
  const changed = cases.filter((c) => {
    const entry = journal.done.get(c.key);
    return reported(entry) && entry.input_sha256 !== undefined && entry.input_sha256 !== c.input;
  });
  if (changed.length > 0) {
    fail(`--cases: ${changed.length} case${changed.length === 1 ? '' : 's'} changed since ${options.outDir} reported ${changed.length === 1 ? 'it' : 'them'} (${changed.slice(0, 3).map((c) => c.key).join(', ')}${changed.length > 3 ? ', …' : ''}); finish the batch with the cases it began with, or run the changed ones with another --out (and --audit log)`);
  }
  const todo = cases.filter((c) => !reported(journal.done.get(c.key)));
  const resumed = cases.length - todo.length;
  const inputs = new Map(cases.map((c) => [c.key, c.input]));
  const progress = createProgress(cases.length, resumed);
  let finished = resumed;
  let failed = 0;
  let sinceCheckpoint = 0;

  type Result = FromWorker & { type: 'done' | 'failed' };
  const failure = (key: string, caseId: string | null, error: string): JournalEntry => ({ key, input_sha256: inputs.get(key), case_id: caseId, status: 'failed', decision: null, probability: null, record_id: null, files: [], error });
  const entryOf = (m: Result): JournalEntry =>
    m.type === 'failed'
      ? failure(m.key, null, m.error)
      : { key: m.key, input_sha256: inputs.get(m.key), case_id: m.caseId, status: m.status, decision: m.decision, probability: m.probability, record_id: m.record.record_id, notes: m.notes, files: m.files.map((f) => path.relative(options.outDir, f)), error: null };
  // Group commit: the cases that finished within COMMIT_WINDOW_MS of each other are recorded together, their audit
  // records first (one append, one fsync), then their journal lines (one write, one fsync). A crash between the
  // two leaves records the re-run finds in the log and journals without recording twice.
  // Journal lines wait until a checkpoint signs their records: a case is journalled (never run again) only once
  // its record is signed, so after a crash every record no checkpoint signs belongs to a case the re-run makes
  // again, which is how the writer can vouch for it before signing it (LogWriter.vouchFor).
  const held: JournalEntry[] = [];
  const journalSigned = () => {
    if (!log || log.allSigned()) journal.append(held.splice(0));
  };
  const onResults = (results: readonly Result[]) => {
    const entries = results.map(entryOf);
    if (log) {
      const fresh = new Map<string, AuditRecord>();
      results.forEach((m, i) => {
        if (m.type !== 'done') return;
        const id = m.record.record_id;
        if (fresh.has(id)) return; // listed twice
        if (log.hasRendering(id, m.record.rendered)) {
          // Recorded already, by a run that did not journal the case: the same record, or the case is not what it was.
          if (!log.vouchFor(m.record)) entries[i] = failure(m.key, m.caseId, otherRecord(options.audit!.log, id));
          return;
        }
        if (log.has(id)) {
          // The log's record of this decision lists other documents: these would be outside the audit trail.
          for (const f of m.files) fs.rmSync(f, { force: true });
          entries[i] = failure(m.key, m.caseId, `${secondRendering(options.audit!.log, id)} (its files were removed)`);
          return;
        }
        fresh.set(id, m.record);
      });
      if (fresh.size > 0) {
        sinceCheckpoint += fresh.size;
        const sign = sinceCheckpoint >= options.audit!.checkpointEvery && log.unvouched().length === 0;
        log.append([...fresh.values()], sign ? { key: options.audit!.key } : {});
        if (sign) sinceCheckpoint = 0;
      }
    }
    held.push(...entries);
    journalSigned();
    finished += entries.length;
    failed += entries.filter((e) => e.status === 'failed').length;
    progress.update(finished, failed);
  };

  // Ctrl-C: each worker finishes the cases it is assessing or rendering and stops; what they finished is committed
  // and signed, so the log verifies at once. The user is told how to finish; the exit code is the shell's for an
  // interrupt (main.ts).
  // Not process.exit at once: exiting (or terminating a worker) while a worker is inside an onnxruntime run aborts
  // the process in onnxruntime's native code ("terminate called after throwing an instance of 'Napi::Error'").
  // A second Ctrl-C kills at once.
  const interrupt = new AbortController();
  const onInterrupt = () => {
    process.stderr.write('\nbatch: stopping after the cases in progress (Ctrl-C again to kill)\n');
    interrupt.abort();
  };
  process.once('SIGINT', onInterrupt);
  // Every record, including any an interrupted or crashed run left unsigned, under one signed checkpoint; then the
  // journal lines that waited for it.
  const sign = () => {
    log?.append([], { key: options.audit!.key });
    journalSigned();
  };
  try {
    const plan = planThreads(Math.max(1, Math.min(options.workers, todo.length)), renderShare, options.formats);
    if (plan.renderWorkers > 0) process.stderr.write(`batch: ${plan.caseWorkers} thread${plan.caseWorkers === 1 ? '' : 's'} for cases, ${plan.renderWorkers} rendering their documents\n`);
    await runWorkers(todo, plan, { domain: options.domain, profile: options.profile, documents: options.documents, outDir: path.resolve(options.outDir), locale: options.locale, formats: options.formats }, onResults, interrupt.signal);
    sign();
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    sign();
    throw new Interrupted(`batch: interrupted with ${finished} of ${cases.length} cases done; run the same command again to finish`);
  } finally {
    process.off('SIGINT', onInterrupt);
    journal.close();
  }
  progress.finish(finished, failed);
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

/**
 * Results are committed (one log append and fsync) in groups: those that arrive within this many milliseconds of
 * the first. Committing each as it came made about one fsync per case, the main thread's largest cost.
 */
const COMMIT_WINDOW_MS = 10;

/** Cases each worker holds: those it works on and one waiting, so it never idles while this thread commits. */
const casesInFlight = (hasRenderWorker: boolean) => casesAtOnce(hasRenderWorker) + 1;

/**
 * Keeps every worker supplied with cases until none is left and hands the results to `onResults` in groups
 * (COMMIT_WINDOW_MS); resolves when every result is committed.
 */
function runWorkers(todo: readonly BatchCase[], plan: ThreadPlan, setup: WorkerSetup, onResults: (results: readonly (FromWorker & { type: 'done' | 'failed' })[]) => void, interrupt: AbortSignal): Promise<void> {
  if (todo.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let next = 0;
    let pending = todo.length;
    let stopped = false;
    const workers: Worker[] = [];
    const count = plan.caseWorkers;
    const inFlight = casesInFlight(plan.renderWorkers > 0);
    let running = 0;
    let feeding = true;
    let onAllExited: (() => void) | null = null;
    // Interrupted: no more cases handed out; the results of the cases in progress are still committed (their files
    // are written), and once every worker has stopped the run ends as interrupted.
    interrupt.addEventListener('abort', () => {
      if (stopped) return;
      feeding = false;
      sendStop();
      onAllExited = () => {
        commit();
        if (stopped) return;
        stopped = true;
        reject(new Interrupted('batch interrupted'));
      };
      if (running === 0) onAllExited();
    }, { once: true });
    const arrived: (FromWorker & { type: 'done' | 'failed' })[] = [];
    const sendStop = () => {
      for (const w of workers) w.postMessage({ type: 'stop' } satisfies ToWorker);
    };
    const stopAll = () => {
      stopped = true;
      sendStop();
    };
    const feed = (w: Worker) => {
      if (feeding && next < todo.length) {
        const c = todo[next++];
        w.postMessage({ type: 'case', key: c.key, ref: c.ref } satisfies ToWorker);
      }
    };
    const commit = () => {
      if (stopped || arrived.length === 0) return;
      const group = arrived.splice(0);
      try {
        onResults(group);
      } catch (e) {
        stopAll();
        return reject(e);
      }
      pending -= group.length;
      if (pending === 0) {
        stopAll();
        resolve();
      }
    };
    const threads = plan.caseWorkers + plan.renderWorkers;
    const resourceLimits = { maxOldGenerationSizeMb: Math.max(1024, Math.floor(os.totalmem() / 1024 / 1024 / (2 * threads))) };
    const failedThread = (e: unknown) => {
      if (stopped) return;
      // What finished before is committed (its files are written), as after Ctrl-C.
      commit();
      if (stopped) return;
      stopAll();
      reject(e);
    };
    const started = (w: Worker) => {
      running++;
      w.on('exit', () => {
        if (--running === 0) onAllExited?.();
      });
      w.on('error', failedThread);
    };
    // A render worker needs no stop: it ends when the case workers it serves close their ports.
    const renderPorts = Array.from({ length: plan.caseWorkers }, (): MessagePort | undefined => undefined);
    for (let k = 0; k < plan.renderWorkers; k++) {
      const ports: MessagePort[] = [];
      for (let i = 0; i < plan.caseWorkers; i++) {
        if (plan.renderWorkerOf(i) !== k) continue;
        const channel = new MessageChannel();
        renderPorts[i] = channel.port1;
        ports.push(channel.port2);
      }
      const w = new Worker(RENDER_WORKER, { workerData: { locale: setup.locale, ports } satisfies RenderWorkerSetup, transferList: ports, resourceLimits });
      started(w);
    }
    for (let i = 0; i < count; i++) {
      const renderPort = renderPorts[i];
      // One onnxruntime thread per worker: the workers are the parallelism (see threadOptions).
      const w = new Worker(WORKER, { workerData: { ...setup, renderPort } satisfies WorkerSetup, transferList: renderPort ? [renderPort] : [], env: { ...process.env, LRP_REPORT_THREADS: '1' }, resourceLimits });
      workers.push(w);
      started(w);
      w.on('message', (m: FromWorker) => {
        if (stopped) return;
        if (m.type === 'ready') {
          // A case waiting in a worker only where the workers still to start have theirs left.
          feed(w);
          for (let k = 1; k < inFlight && todo.length - next >= count; k++) feed(w);
          return;
        }
        if (m.type === 'fatal') return failedThread(new UserError(m.error));
        feed(w);
        if (arrived.push(m) === 1) setTimeout(commit, COMMIT_WINDOW_MS);
      });
    }
  });
}

function summaryCsv(entries: readonly JournalEntry[]): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = entries.map((e) => [e.key, e.case_id, e.status, e.decision, e.probability, e.record_id, e.files.join(' '), (e.notes ?? []).join(' | '), e.error].map(cell).join(','));
  return `case,case_id,status,decision,probability,record_id,files,notes,error\n${rows.join('\n')}\n`;
}
