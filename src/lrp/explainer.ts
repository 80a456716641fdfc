/**
 * The runtime: one onnxruntime session of the compiled explainer; `explain` validates the batch, runs once
 * and returns logits, targets, input relevance and per-sample conservation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import ort from 'onnxruntime-node';
import { fail, systemReason } from '../errors.js';
import { encodeModel, initializerBytes, writeModelWithExternalData } from '../onnx/save.js';
import type { CompiledExplainer, ExplainerInfo, ExplainerProfile, SeedKind } from './compile/compile.js';
import { EXPLAINER_IO } from './compile/compile.js';

export interface InputBatch {
  readonly data: Float32Array;
  /** [batch, …] matching the model input. */
  readonly dims: readonly number[];
}

/** `predicted` (default), one class for every sample, or one class per sample. */
export type TargetSpec = 'predicted' | number | readonly number[];

export interface Conservation {
  /** Relevance put in at the output: the target logit (logit seed) or 1 (one-hot seed). */
  readonly seed: number;
  /** Σ input relevance. */
  readonly sum: number;
  /** seed − sum: what biases, stabilizers and non-conservative rules absorbed. */
  readonly residual: number;
}

export interface Explanation {
  readonly batch: number;
  readonly classes: number;
  /** [batch, classes], row-major. */
  readonly logits: Float32Array;
  readonly probabilities?: Float32Array;
  readonly targets: readonly number[];
  /** Same shape as the input. */
  readonly relevance: Float32Array;
  readonly dims: readonly number[];
  readonly seed: SeedKind;
  readonly conservation: readonly Conservation[];
}

export interface Explainer {
  readonly info: ExplainerInfo;
  explain(input: InputBatch, target?: TargetSpec): Promise<Explanation>;
  close(): Promise<void>;
}

export interface ExplainerOptions {
  /** Intra-op threads (default: onnxruntime's choice, all cores). */
  readonly threads?: number;
}

/**
 * Opens an onnxruntime session on a compiled explainer. Large graphs go through a temporary file with
 * external data, and the compile-time copies of the weights are released before onnxruntime allocates its
 * own: pass the result of compileExplainer directly (keep no reference to it) to get that benefit.
 */
export function createExplainer(compiled: CompiledExplainer, options: ExplainerOptions = {}): Promise<Explainer> {
  return openStaged(stage(compiled), options);
}

/** Graphs with more weight bytes than this are handed to onnxruntime as a file, not a buffer. */
const STAGE_TO_FILE_BYTES = 32 * 1024 * 1024;

interface Staged {
  readonly info: ExplainerInfo;
  readonly source: Uint8Array | { readonly dir: string; readonly file: string };
}

function stage(compiled: CompiledExplainer): Staged {
  if (initializerBytes(compiled.model) < STAGE_TO_FILE_BYTES) return { info: compiled.info, source: encodeModel(compiled.model) };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lrp-explainer-'));
  const file = path.join(dir, EXPLAINER_FILE);
  try {
    writeModelWithExternalData(compiled.model, file);
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    fail(`cannot stage the explainer in ${os.tmpdir()}: ${systemReason(e)}`);
  }
  return { info: compiled.info, source: { dir, file } };
}

async function openStaged(staged: Staged, options: ExplainerOptions): Promise<Explainer> {
  const { info, source } = staged;
  if (source instanceof Uint8Array) return explainerOf(await ort.InferenceSession.create(source, sessionOptions(options, info.profile)), info);
  collectGarbage();
  try {
    return await openExplainerFile(source.file, info, options);
  } finally {
    fs.rmSync(source.dir, { recursive: true, force: true });
  }
}

/** The file name of a compiled explainer inside its folder (weights beside it as external data). */
export const EXPLAINER_FILE = 'explainer.onnx';

/** A session on an explainer written by `lrp-report compile` (or staged), described by `info`. */
export async function openExplainerFile(file: string, info: ExplainerInfo, options: ExplainerOptions = {}): Promise<Explainer> {
  return explainerOf(await ort.InferenceSession.create(file, sessionOptions(options, info.profile)), info);
}

function explainerOf(session: ort.InferenceSession, info: ExplainerInfo): Explainer {
  return {
    info,
    explain: (input, target = 'predicted') => runExplainer(session, info, input, target),
    close: () => session.release(),
  };
}

/** Frees unreachable JS memory now (the compiler's weight copies) rather than whenever V8 decides. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

/** `low-memory` explainers keep weight layouts as stored, so that forward and transposed ops share them. */
export function sessionOptions(options: ExplainerOptions, profile: ExplainerProfile = 'fast'): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: profile === 'fast' ? 'all' : 'extended',
    executionMode: 'sequential',
    // onnxruntime's memory pattern plans one block for all activations on the second run while its arena still
    // holds the first run's: +90–120 MB peak on ResNet-50, no speed gained (BENCHMARKS.md).
    enableMemPattern: false,
    extra: { session: { use_device_allocator_for_initializers: '1' } },
    ...threadOptions(options.threads),
  };
}

/**
 * Threads of an onnxruntime session: the caller's number, else LRP_REPORT_THREADS, else onnxruntime's default
 * (all cores). Batch workers set LRP_REPORT_THREADS=1: the workers are the parallelism, and sessions that each
 * spin a thread per core on top of them only compete for the same cores.
 */
export function threadOptions(threads?: number): Pick<ort.InferenceSession.SessionOptions, 'intraOpNumThreads' | 'interOpNumThreads'> {
  const fromEnv = Number(process.env.LRP_REPORT_THREADS);
  const n = threads ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : undefined);
  return n ? { intraOpNumThreads: n, interOpNumThreads: 1 } : {};
}

export function checkInput(info: ExplainerInfo, input: InputBatch): void {
  const expected = info.input.shape ?? [];
  const { dims, data } = input;
  const shapeText = `[${expected.join(', ')}]`;
  if (dims.length !== expected.length) fail(`input has shape [${dims.join(', ')}], model input ${info.input.name} expects ${shapeText}`);
  dims.forEach((d, i) => {
    const e = expected[i];
    if (typeof e === 'number' && e !== d) fail(`input has shape [${dims.join(', ')}], model input ${info.input.name} expects ${shapeText} (dimension ${i})`);
    if (!Number.isInteger(d) || d <= 0) fail(`input dimension ${i} is ${d}; every dimension must be a positive integer`);
  });
  if (!(data instanceof Float32Array)) fail('input must be float32');
  if (data.length !== dims.reduce((a, b) => a * b, 1)) fail(`input holds ${data.length} values for shape [${dims.join(', ')}]`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) fail(`input holds ${Number.isNaN(data[i]) ? 'NaN' : 'Inf'} at flat index ${i} (sample ${Math.floor(i / (data.length / dims[0]))})`);
  }
}

function targetVector(spec: TargetSpec, batch: number, classes: number): BigInt64Array {
  const list = spec === 'predicted' ? new Array<number>(batch).fill(-1) : typeof spec === 'number' ? new Array<number>(batch).fill(spec) : [...spec];
  if (list.length !== batch) fail(`${list.length} targets given for a batch of ${batch}`);
  for (const t of list) {
    if (spec !== 'predicted' && (!Number.isInteger(t) || t < 0 || t >= classes)) fail(`target ${t} is out of range: the model has classes 0…${classes - 1}`);
  }
  return BigInt64Array.from(list, (t) => BigInt(t));
}

async function runExplainer(session: ort.InferenceSession, info: ExplainerInfo, input: InputBatch, target: TargetSpec): Promise<Explanation> {
  checkInput(info, input);
  const batch = input.dims[0];
  const feeds = {
    [info.input.name]: new ort.Tensor('float32', input.data, input.dims),
    [EXPLAINER_IO.target]: new ort.Tensor('int64', targetVector(target, batch, info.classes), [batch]),
  };
  const out = await session.run(feeds);
  const logits = out[EXPLAINER_IO.logits].data as Float32Array;
  const relevance = out[EXPLAINER_IO.relevance].data as Float32Array;
  const targets = Array.from(out[EXPLAINER_IO.targets].data as BigInt64Array, Number);
  const probabilities = out[EXPLAINER_IO.probabilities]?.data as Float32Array | undefined;
  return {
    batch,
    classes: info.classes,
    logits,
    ...(probabilities ? { probabilities } : {}),
    targets,
    relevance,
    dims: input.dims,
    seed: info.seed,
    conservation: conservation(relevance, logits, targets, info.classes, info.seed),
  };
}

export function conservation(relevance: Float32Array, logits: Float32Array, targets: readonly number[], classes: number, seed: SeedKind): Conservation[] {
  const per = relevance.length / targets.length;
  return targets.map((t, n) => {
    let sum = 0;
    for (let i = n * per; i < (n + 1) * per; i++) sum += relevance[i];
    const seedValue = seed === 'logit' ? logits[n * classes + t] : 1;
    return { seed: seedValue, sum, residual: seedValue - sum };
  });
}
