/** The lrp-report library API. */
export { UserError } from './errors.js';
export { loadModelFile, decodeModel } from './onnx/load.js';
export { encodeModel } from './onnx/save.js';
export type { Model, Graph, Node, Tensor, ValueInfo } from './onnx/ir.js';
export { compileExplainer, EXPLAINER_IO } from './lrp/compile/compile.js';
export type { CompileOptions, CompiledExplainer, SeedKind } from './lrp/compile/compile.js';
export { createExplainer } from './lrp/explainer.js';
export type { Explainer, Explanation, Conservation, InputBatch, TargetSpec } from './lrp/explainer.js';
export { resolveComposite, builtinComposite, loadCompositeFile, compositeFromObject, BUILTIN_COMPOSITES } from './lrp/composites/index.js';
export type { Composite } from './lrp/composites/index.js';
export { compileModelFile, explainModelFile } from './lrp/api.js';
export { readNpy, writeNpy } from './io/npy.js';
