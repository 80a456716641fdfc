/** openExplainer: model file → compiled (in a child process) → onnxruntime session, with the least peak memory. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork } from 'node:child_process';
import { fail, UserError } from '../errors.js';
import { packagePath } from '../paths.js';
import type { ExplainerInfo } from './compile/compile.js';
import type { ExplainOptions } from './api.js';
import type { Explainer, ExplainerOptions } from './explainer.js';
import { EXPLAINER_FILE, openExplainerFile } from './explainer.js';

export interface CompileRequest {
  readonly modelFile: string;
  readonly options: Omit<ExplainOptions, 'target'>;
  readonly dir: string;
}

export type CompileReply = { ok: true; info: ExplainerInfo } | { ok: false; userError: boolean; message: string };

/** The compiler process runs the built file (plain node cannot run TypeScript sources). */
const WORKER = packagePath('dist', 'src', 'lrp', 'compile-worker.js');

export async function openExplainer(modelFile: string, options: Omit<ExplainOptions, 'target'>, sessionOptions: ExplainerOptions = {}): Promise<Explainer> {
  if (!fs.existsSync(WORKER)) fail(`${WORKER} is missing: run npm run build`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lrp-explainer-'));
  try {
    const reply = await new Promise<CompileReply>((resolve, reject) => {
      // The parent's flags (e.g. a test runner's loaders) are not the compiler's business.
      // V8 memory flags go along (a large model may need --max-old-space-size); a test runner's loaders do not.
      const execArgv = process.execArgv.filter((a) => /^--(max-old-space-size|max-semi-space-size|stack-size)=/.test(a));
      const child = fork(WORKER, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      // If this process ends first, so does the compiler.
      const stop = () => child.kill();
      process.once('exit', stop);
      let message: CompileReply | undefined;
      child.once('message', (m) => (message = m as CompileReply));
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        process.off('exit', stop);
        if (message) resolve(message);
        else reject(new Error(`the explainer compiler exited with ${signal ?? `code ${code}`}`));
      });
      child.send({ modelFile, options, dir } satisfies CompileRequest);
    });
    if (!reply.ok) throw reply.userError ? new UserError(reply.message) : new Error(reply.message);
    return await openExplainerFile(path.join(dir, EXPLAINER_FILE), reply.info, sessionOptions);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
