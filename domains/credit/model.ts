/**
 * The credit model behind a domain config: its card (hash-checked), a plain onnxruntime session on the card's
 * ONNX file for every decision and re-score, and the LRP explainer compiled with the config's composite.
 */
import ort from 'onnxruntime-node';
import { compileExplainer } from '../../src/lrp/compile/compile.js';
import { resolveComposite } from '../../src/lrp/composites/index.js';
import type { Explanation } from '../../src/lrp/explainer.js';
import { createExplainer, threadOptions } from '../../src/lrp/explainer.js';
import type { ModelCard, TabularPreprocessing } from '../../src/models/card.js';
import { loadModelCard } from '../../src/models/card.js';
import { loadModelFile } from '../../src/onnx/load.js';
import type { LoadedDomain } from './config.js';
import { checkConfigForCard } from './config.js';

export interface CreditModel {
  readonly card: ModelCard;
  readonly pre: TabularPreprocessing;
  readonly threshold: number;
  readonly composite: { readonly name: string; readonly params: Readonly<Record<string, unknown>> };
  /** Probability of the refused class for `n` encoded rows (row-major). */
  score(rows: Float32Array, n: number): Promise<Float32Array>;
  /** LRP of the risk logit (target 0, logit seed): positive relevance pushes toward refusal. */
  explain(rows: Float32Array, n: number): Promise<Explanation>;
  close(): Promise<void>;
}

/** The card's decision rule ("refuse when the probability is at or above the threshold"), in one place. */
export const isRefused = (probability: number, threshold: number): boolean => probability >= threshold;

/** Rows per onnxruntime run: large enough to amortize a run, small enough to bound memory. */
const SCORE_CHUNK_ROWS = 32_768;

export async function openCreditModel({ config, file }: LoadedDomain): Promise<CreditModel> {
  const { card, modelPath } = loadModelCard(config.model.card);
  const pre = checkConfigForCard(config, card, file);
  const session = await ort.InferenceSession.create(modelPath, threadOptions());
  const explainer = await createExplainer(
    compileExplainer(loadModelFile(modelPath), { composite: resolveComposite(config.explanation.composite, config.explanation.params ?? {}), seed: config.explanation.seed, source: modelPath }),
  );
  const width = pre.columns;
  const score = async (rows: Float32Array, n: number): Promise<Float32Array> => {
    const out = new Float32Array(n);
    for (let start = 0; start < n; start += SCORE_CHUNK_ROWS) {
      const m = Math.min(SCORE_CHUNK_ROWS, n - start);
      const result = await session.run({ [pre.input]: new ort.Tensor('float32', rows.slice(start * width, (start + m) * width), [m, width]) });
      out.set(result[card.output.name].data as Float32Array, start);
    }
    return out;
  };
  return {
    card,
    pre,
    threshold: card.output.threshold!,
    composite: explainer.info.composite,
    score,
    explain: (rows, n) => explainer.explain({ data: rows, dims: [n, width] }, 0),
    close: async () => {
      await explainer.close();
      await session.release();
    },
  };
}
