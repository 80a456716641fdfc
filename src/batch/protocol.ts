/** Messages between the batch's main thread and its workers. */
import type { MessagePort } from 'node:worker_threads';
import type { AuditRecord } from '../audit/record.js';
import type { CaseRef, CaseStatus } from '../domain/plugin.js';
import type { ReportFormat } from '../report/formats.js';

export interface WorkerSetup {
  readonly domain: string;
  readonly profile: string | undefined;
  readonly documents: readonly string[] | undefined;
  readonly outDir: string;
  readonly locale: string;
  readonly formats: readonly ReportFormat[];
  /** The port to the render worker that renders this worker's documents (none: it renders them itself). */
  readonly renderPort?: MessagePort;
}

/** A render worker's setup: the locale (its fonts) and a port from each case worker it serves. */
export interface RenderWorkerSetup {
  readonly locale: string;
  readonly ports: readonly MessagePort[];
}

/**
 * Cases a worker handles at once. Rendering its own documents, it takes them one after another. With a render worker,
 * it assesses the next cases (one at a time) while earlier ones wait for their documents: enough of them that neither
 * thread waits for the other (4 left both about 20 % idle; 12 and more, under 10 %).
 */
export const casesAtOnce = (hasRenderWorker: boolean): number => (hasRenderWorker ? 16 : 1);

/**
 * Documents a case worker leaves waiting at its render worker before it renders the next one itself
 * (overflowingRenderer). Below the cases at once, so that it is reached when the render worker falls behind for
 * good (every document: a letter and an officer's report with a chart per case) rather than for a moment (a
 * thousand letters: 4-19 of 592 rendered by the case worker at 12, 16-33 at 8).
 */
export const RENDER_BACKLOG = 12;

export type ToWorker = { readonly type: 'case'; readonly key: string; readonly ref: CaseRef } | { readonly type: 'stop' };

export interface CaseDone {
  readonly type: 'done';
  readonly key: string;
  readonly caseId: string;
  readonly status: CaseStatus;
  readonly decision: string;
  readonly probability: number;
  /** The outcome's escalations and warnings (a cautioned image, a suspected shortcut, an undated case). */
  readonly notes: readonly string[];
  readonly files: readonly string[];
  readonly record: AuditRecord;
}

export interface CaseFailed {
  readonly type: 'failed';
  readonly key: string;
  readonly error: string;
}

export type FromWorker = { readonly type: 'ready' } | { readonly type: 'fatal'; readonly error: string } | CaseDone | CaseFailed;
