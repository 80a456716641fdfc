/** A batch worker: opens the domain once, then assesses, renders and writes the cases it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { DomainSession } from '../domain/plugin.js';
import { loadDomain } from '../domain/registry.js';
import { reportCase } from '../domain/run.js';
import { overflowingRenderer, rendererOver } from './render-channel.js';
import { renderHere } from '../report/render.js';
import { casesAtOnce, RENDER_BACKLOG, type FromWorker, type ToWorker, type WorkerSetup } from './protocol.js';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);
const message = (e: unknown) => (e instanceof UserError ? e.message : `internal error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);

/** `f` called again only once its last call has settled. */
function oneAtATime<A extends unknown[], R>(f: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let last: Promise<unknown> = Promise.resolve();
  return (...args) => {
    const run = last.then(() => f(...args));
    last = run.catch(() => undefined);
    return run;
  };
}

try {
  const opened = await (await loadDomain(setup.domain)).open({ profile: setup.profile, documents: setup.documents, locales: [setup.locale] });
  // One assessment at a time (a dermatology case holds its image tensors while it is assessed); the cases waiting
  // for their documents to be rendered hold only their markup.
  const session: DomainSession = { assessCase: oneAtATime((ref) => opened.assessCase(ref)), close: () => opened.close() };
  const renderer = setup.renderPort && overflowingRenderer(rendererOver(setup.renderPort), renderHere, RENDER_BACKLOG);
  const limit = casesAtOnce(renderer !== undefined);
  const handle = async (m: ToWorker & { type: 'case' }) => {
    try {
      const { outcome, files, record } = await reportCase(session, m.ref, { domain: setup.domain, outDir: setup.outDir, formats: setup.formats, locale: setup.locale, renderer });
      send({ type: 'done', key: m.key, caseId: outcome.caseId, status: outcome.status, decision: record.output.decision, probability: record.output.probability, notes: outcome.notes, files, record });
    } catch (e) {
      send({ type: 'failed', key: m.key, error: message(e) });
    }
  };
  // The main thread sends cases ahead; they start in the order sent, at most `limit` at a time. A stop drops the
  // cases still waiting (an interrupted batch): the worker finishes the ones it has started, then closes.
  const waiting: (ToWorker & { type: 'case' })[] = [];
  let running = 0;
  let stopping = false;
  const close = async () => {
    await session.close();
    setup.renderPort?.close();
    port.close();
  };
  const pump = () => {
    while (running < limit && waiting.length > 0) {
      running++;
      void handle(waiting.shift()!).then(() => {
        running--;
        if (stopping && running === 0) void close();
        else pump();
      });
    }
  };
  port.on('message', (m: ToWorker) => {
    if (stopping) return;
    if (m.type === 'stop') {
      stopping = true;
      waiting.length = 0;
      if (running === 0) void close();
      return;
    }
    waiting.push(m);
    pump();
  });
  send({ type: 'ready' });
} catch (e) {
  setup.renderPort?.close();
  send({ type: 'fatal', error: message(e) });
}
