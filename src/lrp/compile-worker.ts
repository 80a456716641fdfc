/**
 * Compiles an explainer in a child process and writes it (with external data) into a given folder. When the
 * process exits, every compile-time copy of the weights goes with it, before onnxruntime allocates its own: the
 * explaining process never holds them. (A worker thread was not enough: its freed heap stayed in the process's
 * allocator, about 200 MB on ResNet-50; BENCHMARKS.md.)
 */
import fs from 'node:fs';
import { UserError } from '../errors.js';
import type { CompileRequest, CompileReply } from './open.js';
import { compileModelFileTo } from './api.js';

process.once('message', (request: CompileRequest) => {
  let reply: CompileReply;
  try {
    reply = { ok: true, info: compileModelFileTo(request.modelFile, request.options, request.dir) };
  } catch (e) {
    reply = { ok: false, userError: e instanceof UserError, message: e instanceof Error ? e.message : String(e) };
  }
  // A parent that died meanwhile (its IPC channel closed) removes nothing: leave nothing behind for it.
  if (!process.connected) {
    fs.rmSync(request.dir, { recursive: true, force: true });
    process.exit(0);
  }
  process.send!(reply, () => {
    if (process.connected) process.disconnect();
  });
});
