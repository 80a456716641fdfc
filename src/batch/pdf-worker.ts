/**
 * A batch's PDF worker: renders the PDFs of the case workers it serves (each has a port to it). Splitting a case's
 * work this way keeps each thread's code and caches to its half: the JIT compiles, and the font and paragraph
 * caches fill, once per half instead of once per worker (BENCHMARKS.md, tenth session). It ends when all its case
 * workers have closed their ports.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { parsedFontsFor } from '../report/fonts.js';
// Loaded now, while the case workers open their sessions, rather than on the first request (renderPdfHere imports it).
import '../report/pdf.js';
import { renderPdfHere } from '../report/render.js';
import { servePdfs } from './pdf-channel.js';
import type { FromWorker, PdfWorkerSetup } from './protocol.js';

const setup = workerData as PdfWorkerSetup;
try {
  // A missing font fails the batch at once, as a case worker's session would, not each case.
  parsedFontsFor(setup.locale);
  for (const port of setup.ports) servePdfs(port, renderPdfHere);
} catch (e) {
  for (const port of setup.ports) port.close();
  parentPort!.postMessage({ type: 'fatal', error: e instanceof UserError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}` } satisfies FromWorker);
}
