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

export function planThreads(threads: number, renderShare: number, formats: readonly ReportFormat[]): ThreadPlan {
  const renderWorkers = formats.includes('pdf') ? Math.min(Math.floor(threads / 2), Math.max(0, Math.round(threads * renderShare))) : 0;
  return { caseWorkers: threads - renderWorkers, renderWorkers, renderWorkerOf: (i) => (renderWorkers > 0 ? i % renderWorkers : undefined) };
}
