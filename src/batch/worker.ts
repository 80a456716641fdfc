/** A batch worker: opens the domain once, then assesses, renders and writes the cases it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { loadDomain } from '../domain/registry.js';
import { reportCase } from '../domain/run.js';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);
const message = (e: unknown) => (e instanceof UserError ? e.message : `internal error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);

try {
  const session = await (await loadDomain(setup.domain)).open({ profile: setup.profile, documents: setup.documents, locales: [setup.locale] });
  const handle = async (m: ToWorker) => {
    if (m.type === 'stop') {
      await session.close();
      port.close();
      return;
    }
    try {
      const { outcome, files, record } = await reportCase(session, m.ref, { domain: setup.domain, outDir: setup.outDir, formats: setup.formats, locale: setup.locale });
      send({ type: 'done', key: m.key, caseId: outcome.caseId, status: outcome.status, decision: record.output.decision, probability: record.output.probability, notes: outcome.notes, files, record });
    } catch (e) {
      send({ type: 'failed', key: m.key, error: message(e) });
    }
  };
  // The main thread sends the next case ahead: cases (and the stop) are handled one after another, in order. A stop
  // drops the cases still waiting (an interrupted batch): the worker finishes the one it is on, then closes.
  let queue = Promise.resolve();
  let stopping = false;
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') stopping = true;
    queue = queue.then(() => (m.type === 'case' && stopping ? undefined : handle(m)));
  });
  send({ type: 'ready' });
} catch (e) {
  send({ type: 'fatal', error: message(e) });
}
