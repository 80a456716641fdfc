/** The canonizer pipeline, in the order the rewrites depend on each other. */
import type { Graph } from '../../onnx/ir.js';
import { foldBatchNorm } from './batchnorm.js';
import { constantsToInitializers } from './constants.js';
import { removeIdentities } from './identity.js';
import { normalizeLinearLayers } from './linear.js';
import type { Canonizer } from './types.js';

export const CANONIZERS: readonly Canonizer[] = [constantsToInitializers, removeIdentities, normalizeLinearLayers, foldBatchNorm];

export function canonize(graph: Graph): Graph {
  return CANONIZERS.reduce((g, c) => c(g), graph);
}

export { findHead } from './head.js';
export type { Head, HeadKind } from './head.js';
