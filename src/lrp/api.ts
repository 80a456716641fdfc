/** The library's one-call entry points on top of compile + explainer. */
import { loadModelFile } from '../onnx/load.js';
import type { CompiledExplainer, ExplainerInfo, ExplainerProfile, SeedKind } from './compile/compile.js';
import { compileExplainer } from './compile/compile.js';
import { resolveComposite } from './composites/index.js';
import type { Explanation, InputBatch, TargetSpec } from './explainer.js';
import { openExplainer } from './open.js';

export interface ExplainOptions {
  /** A built-in composite name or a composite YAML file. */
  readonly composite: string;
  readonly params?: Record<string, number | readonly number[]>;
  readonly target?: TargetSpec;
  readonly seed?: SeedKind;
  readonly profile?: ExplainerProfile;
}

export function compileModelFile(modelFile: string, options: Omit<ExplainOptions, 'target'>): CompiledExplainer {
  const composite = resolveComposite(options.composite, options.params ?? {});
  return compileExplainer(loadModelFile(modelFile), { composite, seed: options.seed ?? 'logit', source: modelFile, profile: options.profile });
}

export async function explainModelFile(modelFile: string, input: InputBatch, options: ExplainOptions): Promise<Explanation & { composite: ExplainerInfo['composite'] }> {
  const explainer = await openExplainer(modelFile, options);
  try {
    return { ...(await explainer.explain(input, options.target ?? 'predicted')), composite: explainer.info.composite };
  } finally {
    await explainer.close();
  }
}
