/** The library's one-call entry points on top of compile + explainer. */
import path from 'node:path';
import { loadModelFile } from '../onnx/load.js';
import { writeModelWithExternalData } from '../onnx/save.js';
import { fail } from '../errors.js';
import type { AttributionMethod, CompiledExplainer, ExplainerInfo, ExplainerProfile, SeedKind } from './compile/compile.js';
import { compileExplainer } from './compile/compile.js';
import { resolveComposite } from './composites/index.js';
import type { Explanation, InputBatch, TargetSpec } from './explainer.js';
import { openExplainer } from './open.js';
import { EXPLAINER_FILE } from './explainer.js';

export interface ExplainOptions {
  /** `lrp` (default), or a gradient method for comparison. */
  readonly method?: AttributionMethod;
  /** A built-in composite name or a composite YAML file (LRP only). */
  readonly composite?: string;
  readonly params?: Record<string, number | readonly number[]>;
  readonly target?: TargetSpec;
  readonly seed?: SeedKind;
  readonly profile?: ExplainerProfile;
}

export function compileModelFile(modelFile: string, options: Omit<ExplainOptions, 'target'>): CompiledExplainer {
  const method = options.method ?? 'lrp';
  if (method === 'lrp' && !options.composite) fail('--composite is required for LRP');
  if (method !== 'lrp' && (options.composite || Object.keys(options.params ?? {}).length > 0)) fail(`--composite and --param apply to LRP only, not to ${method}`);
  const composite = method === 'lrp' ? resolveComposite(options.composite!, options.params ?? {}) : undefined;
  return compileExplainer(loadModelFile(modelFile), { method, composite, seed: options.seed ?? 'logit', source: modelFile, profile: options.profile });
}

/** Compiles a model file into `dir`/explainer.onnx (weights as external data): what the compiler process does. */
export function compileModelFileTo(modelFile: string, options: Omit<ExplainOptions, 'target'>, dir: string): ExplainerInfo {
  const compiled = compileModelFile(modelFile, options);
  writeModelWithExternalData(compiled.model, path.join(dir, EXPLAINER_FILE));
  return compiled.info;
}

export async function explainModelFile(modelFile: string, input: InputBatch, options: ExplainOptions): Promise<Explanation & Pick<ExplainerInfo, 'composite' | 'method' | 'rules'>> {
  const explainer = await openExplainer(modelFile, options);
  try {
    return { ...(await explainer.explain(input, options.target ?? 'predicted')), composite: explainer.info.composite, method: explainer.info.method, rules: explainer.info.rules };
  } finally {
    await explainer.close();
  }
}
