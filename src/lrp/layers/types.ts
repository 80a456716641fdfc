import type { Node, Tensor } from '../../onnx/ir.js';
import type { ShapeMap } from '../../onnx/shapes.js';
import type { Builder } from '../../onnx/builder.js';

/** What a non-linear layer's relevance handler sees. */
export interface LayerContext {
  readonly b: Builder;
  readonly node: Node;
  readonly shapes: ShapeMap;
  readonly initializers: ReadonlyMap<string, Tensor>;
  /** Relevance arriving at the node's (first) output. */
  readonly relevance: string;
  /** The stabilizer of the norm rule. */
  readonly normEpsilon: number;
  /** MaxPool: the arg-max indices output the compiler added to the forward node. */
  readonly indices?: string;
  /** relu(output), when it may stand in for the output in a stabilizer (compile/vanishing.ts). */
  readonly positivePart?: string;
}

/** Relevance sent to each computed input: [input tensor name, relevance tensor name]. */
export type LayerRelevance = readonly (readonly [string, string])[];

export type LayerHandler = (ctx: LayerContext) => LayerRelevance;

export function isConstant(ctx: LayerContext, name: string): boolean {
  return ctx.initializers.has(name);
}
