/**
 * Compiles an explainer in a worker thread and writes it (with external data) into a given folder. When the
 * worker exits, every compile-time copy of the weights goes with its heap, before onnxruntime allocates its
 * own: the explain process peaks at max(compile, session), not at their sum.
 */
import { parentPort, workerData } from 'node:worker_threads';
import path from 'node:path';
import { UserError } from '../errors.js';
import { writeModelWithExternalData } from '../onnx/save.js';
import type { CompileRequest, CompileReply } from './open.js';
import { compileModelFile } from './api.js';

const request = workerData as CompileRequest;
let reply: CompileReply;
try {
  const compiled = compileModelFile(request.modelFile, request.options);
  writeModelWithExternalData(compiled.model, path.join(request.dir, 'explainer.onnx'));
  reply = { ok: true, info: compiled.info };
} catch (e) {
  reply = { ok: false, userError: e instanceof UserError, message: e instanceof Error ? e.message : String(e) };
}
parentPort!.postMessage(reply);
