/** A batch worker: opens the domain once, then assesses, renders and writes the cases it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { DomainSession } from '../domain/plugin.js';
import { loadDomain } from '../domain/registry.js';
import { reportCase } from '../domain/run.js';
import { renderHere } from '../report/render.js';
import { heldBackClock, isHeldBack } from './held-back.js';
import { casesAtOnce, RENDER_BACKLOG, RENDER_START_MS } from './plan.js';
import type { CaseMessage, FromWorker, ToWorker, WorkerSetup } from './protocol.js';
import { overflowingRenderer, rendererOver } from './render-channel.js';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);
const message = (e: unknown) => (e instanceof UserError ? e.message : `internal error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);

/** A case dropped by a stop before its assessment began: it is not reported, and the re-run does it. */
const DROPPED = new Error('stopped before it was assessed');

// Listening on the render worker's port from the start: if that worker ends (a crash) before the session is open,
// the jobs sent to it fail instead of waiting for ever.
const remote = setup.renderPort && rendererOver(setup.renderPort);
let stopping = false;

try {
  const opened = await (await loadDomain(setup.domain)).open({ profile: setup.profile, documents: setup.documents, locales: [setup.locale] });
  // One assessment at a time (a dermatology case holds its image tensors while it is assessed), in the order the
  // cases came; a stop drops those not yet begun.
  let last: Promise<unknown> = Promise.resolve();
  let assessing = 0;
  const assessCase: DomainSession['assessCase'] = (ref) => {
    assessing++;
    const run = last.then(() => (stopping ? Promise.reject(DROPPED) : opened.assessCase(ref))).finally(() => {
      assessing--;
      noteHeldBack();
    });
    last = run.catch(() => undefined);
    return run;
  };
  const session: DomainSession = { assessCase, close: () => opened.close() };
  const heldBack = heldBackClock();
  const renderer = remote && overflowingRenderer(remote, renderHere, RENDER_BACKLOG, () => heldBack.total() >= RENDER_START_MS);
  const limit = casesAtOnce(renderer !== undefined);
  const handle = async (m: CaseMessage) => {
    try {
      const { outcome, files, record } = await reportCase(session, m.ref, { domain: setup.domain, outDir: setup.outDir, formats: setup.formats, locale: setup.locale, renderer });
      send({ type: 'done', key: m.key, caseId: outcome.caseId, status: outcome.status, decision: record.output.decision, probability: record.output.probability, notes: outcome.notes, files, record });
    } catch (e) {
      if (e !== DROPPED) send({ type: 'failed', key: m.key, error: message(e) });
    }
  };
  // The main thread sends cases ahead; they start in the order sent, at most `limit` at a time. A stop drops the
  // cases still waiting and those not yet assessed (an interrupted batch): the worker finishes the ones it is
  // assessing or rendering, then closes.
  const waiting: CaseMessage[] = [];
  let running = 0;
  // Held back: cases wait for a slot, and every slot's case waits for its documents.
  const noteHeldBack = () => heldBack.set(isHeldBack({ running, limit, queued: waiting.length, assessing }));
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
    noteHeldBack();
  };
  port.on('message', (m: ToWorker) => {
    if (stopping) return;
    if (m.type === 'stop') {
      stopping = true;
      waiting.length = 0;
      noteHeldBack();
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
