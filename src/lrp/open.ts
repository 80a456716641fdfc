/** openExplainer: model file → compiled (in a worker) → onnxruntime session, with the least peak memory. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fail, UserError } from '../errors.js';
import { packagePath } from '../paths.js';
import type { ExplainerInfo } from './compile/compile.js';
import type { ExplainOptions } from './api.js';
import type { Explainer, ExplainerOptions } from './explainer.js';
import { openExplainerFile } from './explainer.js';

export interface CompileRequest {
  readonly modelFile: string;
  readonly options: Omit<ExplainOptions, 'target'>;
  readonly dir: string;
}

export type CompileReply = { ok: true; info: ExplainerInfo } | { ok: false; userError: boolean; message: string };

/** The worker is always the built file: workers cannot run TypeScript sources. */
const WORKER = packagePath('dist', 'src', 'lrp', 'compile-worker.js');

export async function openExplainer(modelFile: string, options: Omit<ExplainOptions, 'target'>, sessionOptions: ExplainerOptions = {}): Promise<Explainer> {
  if (!fs.existsSync(WORKER)) fail(`${WORKER} is missing: run npm run build`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lrp-explainer-'));
  try {
    const reply = await new Promise<CompileReply>((resolve, reject) => {
      const worker = new Worker(WORKER, { workerData: { modelFile, options, dir } satisfies CompileRequest });
      let message: CompileReply | undefined;
      worker.once('message', (m: CompileReply) => (message = m));
      worker.once('error', reject);
      worker.once('exit', (code) => (message ? resolve(message) : reject(new Error(`compile worker exited with code ${code}`))));
    });
    if (!reply.ok) throw reply.userError ? new UserError(reply.message) : new Error(reply.message);
    return await openExplainerFile(path.join(dir, 'explainer.onnx'), reply.info, sessionOptions);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
