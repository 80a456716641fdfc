/**
 * The engine every attribution method and metric runs on, built once per model: a forward session that
 * exposes the logits, the model compiled as a gradient explainer (one-hot seed, so relevance = ∂logit/∂x)
 * and, when a composite is given, the LRP explainer. Batches are split into chunks so that a run never holds
 * more than CHUNK_ELEMENTS input values, whatever the number of samples the methods stack up.
 */
import ort from 'onnxruntime-node';
import { fail } from '../errors.js';
import { compileExplainer } from '../lrp/compile/compile.js';
import type { SeedKind } from '../lrp/compile/compile.js';
import type { Composite } from '../lrp/composites/index.js';
import { findHead } from '../lrp/canonize/index.js';
import type { Explainer, ExplainerOptions, InputBatch } from '../lrp/explainer.js';
import { createExplainer, sessionOptions } from '../lrp/explainer.js';
import type { Model } from '../onnx/ir.js';
import { encodeModel } from '../onnx/save.js';

/** Input values per onnxruntime run: bounds the activations of the backward pass (≈ 40 lesion images). */
export const CHUNK_ELEMENTS = 1 << 21;

export interface Forward {
  /** [batch, classes], row-major. */
  readonly logits: Float32Array;
  /** The head's output (Sigmoid/Softmax), when the model has one. */
  readonly probabilities?: Float32Array;
}

export interface Backward extends Forward {
  /** Shaped like the input. */
  readonly relevance: Float32Array;
}

export interface AttributionModel {
  readonly classes: number;
  /** The input's dimensions without the batch. */
  readonly sampleDims: readonly number[];
  forward(input: InputBatch): Promise<Forward>;
  /** ∂ logit[target] / ∂ input per sample, with the logits of the same run. */
  gradient(input: InputBatch, targets: readonly number[]): Promise<Backward>;
  /** LRP relevance with the model's composite; absent when the model was opened without one. */
  readonly lrp?: (input: InputBatch, targets: readonly number[]) => Promise<Backward>;
  close(): Promise<void>;
}

export interface EngineOptions {
  /** LRP composite (resolved); without it the engine offers no `lrp`. */
  readonly composite?: Composite;
  /** Seed of the LRP pass (default logit: relevance in logit units). */
  readonly lrpSeed?: SeedKind;
  readonly threads?: number;
}

export async function openAttributionModel(model: Model, options: EngineOptions = {}): Promise<AttributionModel> {
  const explainerOptions: ExplainerOptions = options.threads ? { threads: options.threads } : {};
  const gradient = await createExplainer(compileExplainer(model, { method: 'gradient', seed: 'one-hot' }), explainerOptions);
  const lrp = options.composite
    ? await createExplainer(compileExplainer(model, { composite: options.composite, seed: options.lrpSeed ?? 'logit' }), explainerOptions)
    : undefined;
  const head = findHead(model.graph);
  const session = await ort.InferenceSession.create(encodeModel(logitsModel(model, head.logits)), sessionOptions(explainerOptions));
  const shape = gradient.info.input.shape ?? [];
  const sampleDims = shape.slice(1).map((d) => (typeof d === 'number' ? d : fail(`model input ${gradient.info.input.name} has a dynamic dimension ${d} besides the batch`)));
  // The raw model's name: the compiled explainer renames an input that clashes with its own I/O names.
  const inputName = model.graph.inputs[0].name;
  const classes = gradient.info.classes;

  const forward = (input: InputBatch): Promise<Forward> =>
    inChunks(input, async (chunk) => {
      const out = await session.run({ [inputName]: new ort.Tensor('float32', chunk.data, chunk.dims) });
      const logits = out[head.logits].data as Float32Array;
      return { logits, ...(head.node ? { probabilities: out[head.output].data as Float32Array } : {}) };
    });
  const backward = (explainer: Explainer) => (input: InputBatch, targets: readonly number[]): Promise<Backward> =>
    inChunks(input, async (chunk, start) => {
      const e = await explainer.explain(chunk, targets.slice(start, start + chunk.dims[0]));
      return { logits: e.logits, relevance: e.relevance, ...(e.probabilities ? { probabilities: e.probabilities } : {}) };
    });
  return {
    classes,
    sampleDims,
    forward,
    gradient: backward(gradient),
    ...(lrp ? { lrp: backward(lrp) } : {}),
    close: async () => {
      await gradient.close();
      await lrp?.close();
      await session.release();
    },
  };
}

/** The model with its logits (the head's input) as the first output, so metrics can read logits directly. */
function logitsModel(model: Model, logits: string): Model {
  const outputs = model.graph.outputs.some((o) => o.name === logits) ? model.graph.outputs : [{ name: logits, dtype: 'float32' as const, shape: null }, ...model.graph.outputs];
  return { ...model, graph: { ...model.graph, outputs } };
}

/** Runs `run` on chunks of at most CHUNK_ELEMENTS input values and joins the results in batch order. */
async function inChunks<T extends Forward>(input: InputBatch, run: (chunk: InputBatch, start: number) => Promise<T>): Promise<T> {
  const batch = input.dims[0];
  const per = input.data.length / batch;
  const size = Math.max(1, Math.floor(CHUNK_ELEMENTS / per));
  if (batch <= size) return run(input, 0);
  const parts: T[] = [];
  for (let start = 0; start < batch; start += size) {
    const n = Math.min(size, batch - start);
    parts.push(await run({ data: input.data.slice(start * per, (start + n) * per), dims: [n, ...input.dims.slice(1)] }, start));
  }
  const join = (pick: (p: T) => Float32Array | undefined): Float32Array | undefined => {
    const arrays = parts.map(pick);
    if (arrays.some((a) => a === undefined)) return undefined;
    const out = new Float32Array(arrays.reduce((n, a) => n + a!.length, 0));
    arrays.reduce((offset, a) => (out.set(a!, offset), offset + a!.length), 0);
    return out;
  };
  const probabilities = join((p) => p.probabilities);
  const relevance = join((p) => (p as Partial<Backward>).relevance);
  return { ...parts[0], logits: join((p) => p.logits)!, ...(probabilities ? { probabilities } : {}), ...(relevance ? { relevance } : {}) };
}
