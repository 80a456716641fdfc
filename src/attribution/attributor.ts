/**
 * The one signature every attribution method has: (model, inputs, targets) → relevance shaped like the inputs,
 * one target class per sample. The three methods the compiled graph computes directly live here; the others
 * (smoothgrad.ts, integrated-gradients.ts, occlusion.ts) build on the engine's gradient or forward pass.
 */
import { fail } from '../errors.js';
import type { InputBatch } from '../lrp/explainer.js';
import type { AttributionModel } from './engine.js';

export type Attributor = (model: AttributionModel, input: InputBatch, targets: readonly number[]) => Promise<Float32Array>;

export const gradient: Attributor = async (model, input, targets) => (await model.gradient(input, targets)).relevance;

export const gradientTimesInput: Attributor = async (model, input, targets) => multiply((await model.gradient(input, targets)).relevance, input.data);

export const lrp: Attributor = async (model, input, targets) => {
  if (!model.lrp) fail('LRP needs the model opened with a composite');
  return (await model.lrp(input, targets)).relevance;
};

/** Element-wise a · b into a new array. */
export function multiply(a: Float32Array, b: Float32Array): Float32Array {
  return Float32Array.from(a, (v, i) => v * b[i]);
}
