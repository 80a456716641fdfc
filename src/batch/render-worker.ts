/**
 * A batch's render worker: turns the markup of the case workers it serves (each has a port to it) into HTML and PDF.
 * Splitting a case's work this way keeps each thread's code and caches to its half: the JIT compiles, and the font
 * and paragraph caches fill, once per half instead of once per worker (BENCHMARKS.md, tenth session). It ends when
 * all its case workers have closed their ports.
 */
import { workerData } from 'node:worker_threads';
import { parsedFontsFor } from '../report/fonts.js';
// Loaded now, while the case workers open their sessions, rather than on the first job (renderHere imports it).
import '../report/pdf.js';
import { renderHere } from '../report/render.js';
import type { RenderWorkerSetup } from './protocol.js';
import { serveRendering } from './render-channel.js';

const setup = workerData as RenderWorkerSetup;
for (const port of setup.ports) serveRendering(port, renderHere);
// The fonts parsed now too, for the same reason. The batch checked that their files exist; a font that cannot be
// parsed fails each document that needs it, with the same message as in a worker that renders its own.
try {
  parsedFontsFor(setup.locale);
} catch {
  // Reported by each job instead.
}
