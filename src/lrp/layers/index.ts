/** Relevance handlers of the non-linear (parameter-free) layers, by ONNX op type. */
import { addRelevance, averagePoolRelevance, globalAveragePoolRelevance } from './norm.js';
import { maxPoolRelevance } from './max-pool.js';
import { passRelevance } from './pass.js';
import { concatRelevance, padRelevance, reshapeRelevance, transposeRelevance } from './routing.js';
import type { LayerHandler } from './types.js';

/** Layers that route relevance exactly like the gradient, in LRP and in the gradient scheme alike. */
export const ROUTING_HANDLERS: Readonly<Record<string, LayerHandler>> = {
  MaxPool: maxPoolRelevance,
  Flatten: reshapeRelevance,
  Reshape: reshapeRelevance,
  Squeeze: reshapeRelevance,
  Unsqueeze: reshapeRelevance,
  Transpose: transposeRelevance,
  Concat: concatRelevance,
  Pad: padRelevance,
};

export const LAYER_HANDLERS: Readonly<Record<string, LayerHandler>> = {
  ...ROUTING_HANDLERS,
  Relu: passRelevance,
  LeakyRelu: passRelevance,
  Sigmoid: passRelevance,
  Tanh: passRelevance,
  Clip: passRelevance,
  BatchNormalization: passRelevance,
  Add: addRelevance,
  AveragePool: averagePoolRelevance,
  GlobalAveragePool: globalAveragePoolRelevance,
};

export type { LayerContext, LayerHandler, LayerRelevance } from './types.js';
