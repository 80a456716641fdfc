/** The library's one-call entry points on top of compile + explainer. */
import { loadModelFile } from '../onnx/load.js';
import type { CompiledExplainer, SeedKind } from './compile/compile.js';
import { compileExplainer } from './compile/compile.js';
import { resolveComposite } from './composites/index.js';
import type { Explanation, InputBatch, TargetSpec } from './explainer.js';
import { createExplainer } from './explainer.js';

export interface ExplainOptions {
  /** A built-in composite name or a composite YAML file. */
  readonly composite: string;
  readonly params?: Record<string, number | readonly number[]>;
  readonly target?: TargetSpec;
  readonly seed?: SeedKind;
}

export function compileModelFile(modelFile: string, options: Omit<ExplainOptions, 'target'>): CompiledExplainer {
  const composite = resolveComposite(options.composite, options.params ?? {});
  return compileExplainer(loadModelFile(modelFile), { composite, seed: options.seed ?? 'logit', source: modelFile });
}

export async function explainModelFile(modelFile: string, input: InputBatch, options: ExplainOptions): Promise<Explanation & { composite: CompiledExplainer['composite'] }> {
  const compiled = compileModelFile(modelFile, options);
  const explainer = await createExplainer(compiled);
  try {
    return { ...(await explainer.explain(input, options.target ?? 'predicted')), composite: compiled.composite };
  } finally {
    await explainer.close();
  }
}
