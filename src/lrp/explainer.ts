/**
 * The runtime: one onnxruntime session of the compiled explainer; `explain` validates the batch, runs once
 * and returns logits, targets, input relevance and per-sample conservation.
 */
import ort from 'onnxruntime-node';
import { fail } from '../errors.js';
import { encodeModel } from '../onnx/save.js';
import type { CompiledExplainer, SeedKind } from './compile/compile.js';
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
  readonly compiled: CompiledExplainer;
  explain(input: InputBatch, target?: TargetSpec): Promise<Explanation>;
  close(): Promise<void>;
}

export interface ExplainerOptions {
  /** Intra-op threads (default: onnxruntime's choice, all cores). */
  readonly threads?: number;
}

export async function createExplainer(compiled: CompiledExplainer, options: ExplainerOptions = {}): Promise<Explainer> {
  const session = await ort.InferenceSession.create(encodeModel(compiled.model), sessionOptions(options));
  return {
    compiled,
    explain: (input, target = 'predicted') => runExplainer(session, compiled, input, target),
    close: () => session.release(),
  };
}

export function sessionOptions(options: ExplainerOptions): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
  };
}

export function checkInput(compiled: CompiledExplainer, input: InputBatch): void {
  const expected = compiled.input.shape ?? [];
  const { dims, data } = input;
  const shapeText = `[${expected.join(', ')}]`;
  if (dims.length !== expected.length) fail(`input has shape [${dims.join(', ')}], model input ${compiled.input.name} expects ${shapeText}`);
  dims.forEach((d, i) => {
    const e = expected[i];
    if (typeof e === 'number' && e !== d) fail(`input has shape [${dims.join(', ')}], model input ${compiled.input.name} expects ${shapeText} (dimension ${i})`);
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

async function runExplainer(session: ort.InferenceSession, compiled: CompiledExplainer, input: InputBatch, target: TargetSpec): Promise<Explanation> {
  checkInput(compiled, input);
  const batch = input.dims[0];
  const feeds = {
    [compiled.input.name]: new ort.Tensor('float32', input.data, input.dims),
    [EXPLAINER_IO.target]: new ort.Tensor('int64', targetVector(target, batch, compiled.classes), [batch]),
  };
  const out = await session.run(feeds);
  const logits = out[EXPLAINER_IO.logits].data as Float32Array;
  const relevance = out[EXPLAINER_IO.relevance].data as Float32Array;
  const targets = Array.from(out[EXPLAINER_IO.targets].data as BigInt64Array, Number);
  const probabilities = out[EXPLAINER_IO.probabilities]?.data as Float32Array | undefined;
  return {
    batch,
    classes: compiled.classes,
    logits,
    ...(probabilities ? { probabilities } : {}),
    targets,
    relevance,
    dims: input.dims,
    seed: compiled.seed,
    conservation: conservation(relevance, logits, targets, compiled.classes, compiled.seed),
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
