/**
 * How a batch's worker threads are split. Every case worker could render its own documents, but then every worker
 * compiles (JIT) and warms the caches of all the code; a batch of a thousand letters spent as much on that as on the
 * letters (BENCHMARKS.md, tenth session). So where rendering (markup to HTML and PDF) is a large share of a domain's
 * work, that share of the threads renders only, each render worker for the case workers assigned to it.
 */
import type { ReportFormat } from '../report/formats.js';

export interface ThreadPlan {
  readonly caseWorkers: number;
  readonly renderWorkers: number;
  /** For each case worker, the render worker that renders its documents (none when there are no render workers). */
  readonly renderWorkerOf: (caseWorker: number) => number | undefined;
}

/**
 * `threads` split by the domain's share of rendering in a case's work (DomainPlugin.renderShare), when the batch
 * writes PDFs (HTML alone is quickly made). Each render worker serves at least one case worker, so there are never
 * more render workers than case workers.
 */
export function planThreads(threads: number, renderShare: number, formats: readonly ReportFormat[]): ThreadPlan {
  const renderWorkers = formats.includes('pdf') ? Math.min(Math.floor(threads / 2), Math.max(0, Math.round(threads * renderShare))) : 0;
  return { caseWorkers: threads - renderWorkers, renderWorkers, renderWorkerOf: (i) => (renderWorkers > 0 ? i % renderWorkers : undefined) };
}
