/**
 * One evaluation of a model on a set of cases: every method's relevance, its perturbation curves and AOPC
 * against random orders, the cascading randomisation check and the stability under noise. Pure numbers;
 * the CLI (src/cli/evaluate.ts) picks the cases, the parameters and writes tables and plots.
 */
import type { Attributor } from '../attribution/attributor.js';
import type { AttributionModel } from '../attribution/engine.js';
import type { InputBatch } from '../lrp/explainer.js';
import type { Model } from '../onnx/ir.js';
import { seededRandom } from '../util/random.js';
import type { PerturbationCurves, PerturbationOptions } from './perturbation.js';
import { aopc, perturbationCurves, randomOrder, relevanceOrder } from './perturbation.js';
import type { RandomisationStep } from './randomisation.js';
import { mean, randomisationCheck } from './randomisation.js';
import type { StabilityOptions } from './stability.js';
import { stability } from './stability.js';
import type { Units } from './units.js';

export interface EvaluationSetup {
  readonly model: Model;
  /** Builds the engine of the model or of a randomised copy (same composite, threads). */
  readonly open: (model: Model) => Promise<AttributionModel>;
  readonly methods: ReadonlyMap<string, Attributor>;
  readonly input: InputBatch;
  readonly targets: readonly number[];
  readonly perturbation: PerturbationOptions & { readonly randomOrders: number };
  /** What the correlations compare: pixels (channels summed) or attributes. */
  readonly correlationUnits: Units;
  /** The first `subset` cases go through the randomisation and stability checks (they re-explain). */
  readonly subset: number;
  readonly stability: StabilityOptions;
  readonly seed: number;
  /** Progress lines (to stderr in the CLI). */
  readonly log?: (line: string) => void;
}

/** Mean over samples and its standard error. */
export interface Estimate {
  readonly mean: number;
  readonly sem: number;
}

export interface OrderResult {
  readonly aopcLogit: Estimate;
  readonly aopcProbability?: Estimate;
  /** Mean over samples of f(x_k) − f(x), k = 0…L. */
  readonly curveLogit: readonly number[];
  readonly curveProbability?: readonly number[];
}

export interface MethodResult extends OrderResult {
  readonly method: string;
  /** AOPC (logit) of each case, for paired comparisons between methods. */
  readonly aopcPerCase: readonly number[];
  /** AOPC(method) − AOPC(random) per sample, logit: mean and standard error. */
  readonly gainOverRandom: Estimate;
  /** Share of samples where the method's AOPC beats the mean of the random orders. */
  readonly winRate: number;
  readonly stability: Estimate;
  readonly seconds: number;
}

export interface EvaluationResult {
  readonly cases: number;
  readonly subset: number;
  /** The unperturbed target logit f(x) over the cases: the scale AOPC is read against. */
  readonly logit: Estimate;
  readonly methods: readonly MethodResult[];
  readonly random: OrderResult;
  readonly randomisation: ReadonlyMap<string, readonly RandomisationStep[]>;
}

export async function evaluate(setup: EvaluationSetup): Promise<EvaluationResult> {
  const { input, targets, perturbation } = setup;
  const log = setup.log ?? (() => undefined);
  const batch = input.dims[0];
  const per = input.data.length / batch;
  const subset = Math.min(setup.subset, batch);
  const subsetInput: InputBatch = { data: input.data.subarray(0, subset * per), dims: [subset, ...input.dims.slice(1)] };
  const engine = await setup.open(setup.model);
  try {
    const random = seededRandom(setup.seed);
    const randomCurves: PerturbationCurves[] = [];
    for (let r = 0; r < perturbation.randomOrders; r++) {
      const orders = targets.map(() => randomOrder(perturbation.units.length, random));
      randomCurves.push(await perturbationCurves(engine, input, targets, orders, perturbation));
    }
    log(`random orders: ${perturbation.randomOrders} × ${batch} cases`);
    const randomAopc = targets.map((_, s) => randomCurves.reduce((sum, c) => sum + aopc(c.logit[s]), 0) / randomCurves.length);
    const results: MethodResult[] = [];
    for (const [name, attribute] of setup.methods) {
      const start = process.hrtime.bigint();
      const relevance = await attribute(engine, input, targets);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const orders = targets.map((_, s) => relevanceOrder(relevance.subarray(s * per, (s + 1) * per), perturbation.units));
      const curves = await perturbationCurves(engine, input, targets, orders, perturbation);
      const perSample = curves.logit.map(aopc);
      const stable = await stability(engine, attribute, subsetInput, targets.slice(0, subset), setup.correlationUnits, setup.stability);
      results.push({
        method: name,
        aopcPerCase: perSample,
        ...summarise([curves]),
        gainOverRandom: estimate(perSample.map((a, s) => a - randomAopc[s])),
        winRate: perSample.filter((a, s) => a > randomAopc[s]).length / batch,
        stability: estimate(Array.from(stable)),
        seconds,
      });
      log(`${name}: AOPC ${results[results.length - 1].aopcLogit.mean.toFixed(3)} (${seconds.toFixed(1)} s to explain ${batch} cases)`);
    }
    const randomisation = await randomisationCheck(setup.model, setup.open, setup.methods, subsetInput, targets.slice(0, subset), setup.correlationUnits, setup.seed);
    log(`randomisation check: ${subset} cases`);
    return { cases: batch, subset, logit: estimate(randomCurves[0].logit.map((c) => c[0])), methods: results, random: summarise(randomCurves), randomisation };
  } finally {
    await engine.close();
  }
}

/** AOPC and mean curves over samples, pooling several orders per sample (the random ones) by their mean. */
function summarise(runs: readonly PerturbationCurves[]): OrderResult {
  const pooled = (pick: (c: PerturbationCurves) => readonly Float64Array[] | undefined) => {
    const lists = runs.map(pick);
    if (lists.some((l) => !l)) return undefined;
    const samples = lists[0]!.length;
    const perSample = Array.from({ length: samples }, (_, s) => lists.reduce((sum, l) => sum + aopc(l![s]), 0) / lists.length);
    const length = lists[0]![0].length;
    const curve = Array.from({ length }, (_, k) => lists.reduce((sum, l) => sum + l!.reduce((t, c) => t + (c[k] - c[0]), 0) / samples, 0) / lists.length);
    return { aopc: estimate(perSample), curve };
  };
  const logit = pooled((c) => c.logit)!;
  const probability = pooled((c) => c.probability);
  return { aopcLogit: logit.aopc, curveLogit: logit.curve, ...(probability ? { aopcProbability: probability.aopc, curveProbability: probability.curve } : {}) };
}

export function estimate(values: readonly number[]): Estimate {
  const m = mean(values);
  const defined = values.filter((v) => !Number.isNaN(v));
  const variance = defined.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(1, defined.length - 1);
  return { mean: m, sem: Math.sqrt(variance / Math.max(1, defined.length)) };
}
