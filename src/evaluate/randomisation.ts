/**
 * The model-parameter randomisation check (Adebayo et al. 2018, cascading): re-initialise the linear layers
 * from the output down, one more each step, explain again and compare with the explanation of the trained
 * model. An explanation that depends on what the model learned must decorrelate; one that stays close
 * reflects the input or the architecture rather than the weights.
 */
import type { Attributor } from '../attribution/attributor.js';
import type { AttributionModel } from '../attribution/engine.js';
import type { InputBatch } from '../lrp/explainer.js';
import type { Model, Node, Tensor } from '../onnx/ir.js';
import { floatValues } from '../onnx/ir.js';
import { seededRandom } from '../util/random.js';
import { spearman } from './spearman.js';
import type { Units } from './units.js';
import { unitRelevance } from './units.js';

const LINEAR = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

/** The linear layers with constant weights, input to output (the graph's topological order). */
export function linearLayers(model: Model): Node[] {
  return model.graph.nodes.filter((n) => LINEAR.has(n.opType) && n.inputs.some((i) => model.graph.initializers.has(i)));
}

/**
 * The model with the last `count` linear layers re-initialised: every float initializer they read (weight
 * and bias) redrawn from N(0, σ²), σ the standard deviation of the trained tensor, so activations keep their
 * scale. Layer i's draw depends only on (seed, i): the cascade adds layers without changing earlier draws.
 */
export function randomiseTopLayers(model: Model, count: number, seed: number): Model {
  const layers = linearLayers(model);
  const initializers = new Map(model.graph.initializers);
  layers.slice(layers.length - count).forEach((node, k) => {
    const layerIndex = layers.length - count + k;
    node.inputs.filter((name) => initializers.get(name)?.dtype === 'float32').forEach((name, j) => {
      initializers.set(name, redraw(initializers.get(name)!, seed + 1000 * layerIndex + j));
    });
  });
  return { ...model, graph: { ...model.graph, initializers } };
}

function redraw(t: Tensor, seed: number): Tensor {
  const values = floatValues(t);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { dtype: 'float32', dims: t.dims, data: seededRandom(seed).normals(values.length, sd) };
}

export interface RandomisationStep {
  /** How many layers (from the top) are randomised; 0 is the trained model. */
  readonly randomised: number;
  /** The deepest layer randomised at this step. */
  readonly layer: string;
  /** Mean over samples of Spearman(|R_trained|, |R_randomised|) and of the signed relevances. */
  readonly absolute: number;
  readonly signed: number;
}

/**
 * Runs the cascade for each method: `open` builds the engine of a (randomised) model, `units` say what is
 * compared (pixels with channels summed, or attributes). Returns one curve per method, trained model first.
 */
export async function randomisationCheck(
  model: Model,
  open: (model: Model) => Promise<AttributionModel>,
  methods: ReadonlyMap<string, Attributor>,
  input: InputBatch,
  targets: readonly number[],
  units: Units,
  seed: number,
): Promise<Map<string, RandomisationStep[]>> {
  const layers = linearLayers(model);
  const per = input.data.length / input.dims[0];
  const explainAll = async (m: Model): Promise<Map<string, Float64Array[]>> => {
    const engine = await open(m);
    try {
      const out = new Map<string, Float64Array[]>();
      for (const [name, attribute] of methods) {
        const r = await attribute(engine, input, targets);
        out.set(name, targets.map((_, s) => unitRelevance(r.subarray(s * per, (s + 1) * per), units)));
      }
      return out;
    } finally {
      await engine.close();
    }
  };
  const trained = await explainAll(model);
  const curves = new Map<string, RandomisationStep[]>([...methods.keys()].map((name) => [name, []]));
  for (let count = 0; count <= layers.length; count++) {
    const explained = count === 0 ? trained : await explainAll(randomiseTopLayers(model, count, seed));
    for (const name of methods.keys()) {
      const before = trained.get(name)!;
      const after = explained.get(name)!;
      const absolute = mean(before.map((b, s) => spearman(b.map(Math.abs), after[s].map(Math.abs))));
      const signed = mean(before.map((b, s) => spearman(b, after[s])));
      curves.get(name)!.push({ randomised: count, layer: count === 0 ? '(trained)' : layers[layers.length - count].name, absolute, signed });
    }
  }
  return curves;
}

/** Mean of the defined values (a constant relevance map has no rank correlation). */
export function mean(values: readonly number[]): number {
  const defined = values.filter((v) => !Number.isNaN(v));
  return defined.length ? defined.reduce((s, v) => s + v, 0) / defined.length : Number.NaN;
}
