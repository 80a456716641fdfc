/** Pass: element-wise activations (and an unmerged BatchNorm) hand relevance through unchanged. */
import type { LayerHandler } from './types.js';

export const passRelevance: LayerHandler = (ctx) => [[ctx.node.inputs[0], ctx.relevance]];
