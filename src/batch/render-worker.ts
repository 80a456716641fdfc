/**
 * A batch's render worker: turns the markup of the case workers it serves (each has a port to it) into HTML and PDF.
 * Splitting a case's work this way keeps each thread's code and caches to its half: the JIT compiles, and the font
 * and paragraph caches fill, once per half instead of once per worker (BENCHMARKS.md, tenth session). It ends when
 * all its case workers have closed their ports.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { parsedFontsFor } from '../report/fonts.js';
// Loaded now, while the case workers open their sessions, rather than on the first job (renderHere imports it).
import '../report/pdf.js';
import { renderHere } from '../report/render.js';
import { serveRendering } from './render-channel.js';
import type { FromWorker, RenderWorkerSetup } from './protocol.js';

const setup = workerData as RenderWorkerSetup;
try {
  // A missing font fails the batch at once, as a case worker's session would, not each case.
  parsedFontsFor(setup.locale);
  for (const port of setup.ports) serveRendering(port, renderHere);
} catch (e) {
  for (const port of setup.ports) port.close();
  parentPort!.postMessage({ type: 'fatal', error: e instanceof UserError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}` } satisfies FromWorker);
}
