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
 * Cases a worker handles at once. Rendering its own documents, it takes them one after another. With a render worker,
 * it assesses the next cases (one at a time) while earlier ones wait for their documents: enough of them that neither
 * thread waits for the other (4 left both about 20 % idle; 12 and more, under 10 %).
 */
export const casesAtOnce = (hasRenderWorker: boolean): number => (hasRenderWorker ? 16 : 1);

/**
 * Documents a case worker leaves waiting at its render worker before it renders the next one itself
 * (overflowingRenderer), once it may (RENDER_START_MS). Below the cases at once, so that it is reached while the
 * render worker is behind: with every document (a letter and an officer's report with a chart per case) a batch of
 * 1000 took 8.0-9.8 s at 12 against 10.1-10.7 s at 24.
 */
export const RENDER_BACKLOG = 12;

/**
 * What a case worker's first rendered document costs it beyond the later ones (loading pdfkit, fontkit and the
 * fonts, compiling the rendering code): about 440 ms (BENCHMARKS.md, eleventh session). It renders its own documents
 * only after waiting for its render worker this long (held-back.ts). Before, it began as soon as 12 waited (once
 * the render worker had answered 12): a thousand letters then had it render 15-58 of the 592 and took 2.69 s
 * against 2.47 s with none (medians of 5).
 */
export const RENDER_START_MS = 440;

/**
 * `threads` split by the domain's share of rendering in a case's work (DomainPlugin.renderShare), when the batch
 * writes PDFs (HTML alone is quickly made). Each render worker serves at least one case worker, so there are never
 * more render workers than case workers.
 */
export function planThreads(threads: number, renderShare: number, formats: readonly ReportFormat[]): ThreadPlan {
  const renderWorkers = formats.includes('pdf') ? Math.min(Math.floor(threads / 2), Math.max(0, Math.round(threads * renderShare))) : 0;
  return { caseWorkers: threads - renderWorkers, renderWorkers, renderWorkerOf: (i) => (renderWorkers > 0 ? i % renderWorkers : undefined) };
}
