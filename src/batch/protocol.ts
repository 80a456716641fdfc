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

export interface CaseMessage {
  readonly type: 'case';
  readonly key: string;
  readonly ref: CaseRef;
}

export type ToWorker = CaseMessage | { readonly type: 'stop' };

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
