/**
 * How a batch's worker threads are split. Every case worker could render its own PDFs, but then every worker
 * compiles (JIT) and warms the caches of all the code; a batch of a thousand letters spends as much on that as on the
 * letters (BENCHMARKS.md, tenth session). So where a domain's PDFs are a large share of a case's work, that share of
 * the threads renders PDFs only, each for the case workers assigned to it.
 */
import type { ReportFormat } from '../report/formats.js';

export interface ThreadPlan {
  readonly caseWorkers: number;
  readonly pdfWorkers: number;
  /** For each case worker, the PDF worker that renders its PDFs (none when there are no PDF workers). */
  readonly pdfWorkerOf: (caseWorker: number) => number | undefined;
}

/**
 * `threads` split by the domain's PDF share of a case's work (DomainPlugin.pdfShare). Each PDF worker serves at
 * least one case worker, so there are never more PDF workers than case workers.
 */
export function planThreads(threads: number, pdfShare: number, formats: readonly ReportFormat[]): ThreadPlan {
  const pdfWorkers = formats.includes('pdf') ? Math.min(Math.floor(threads / 2), Math.max(0, Math.round(threads * pdfShare))) : 0;
  return { caseWorkers: threads - pdfWorkers, pdfWorkers, pdfWorkerOf: (i) => (pdfWorkers > 0 ? i % pdfWorkers : undefined) };
}
