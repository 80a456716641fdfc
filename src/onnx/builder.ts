/** Accumulates the nodes and initializers of the compiled graph, with unique names and shared constants. */
import type { Attribute, Node, Tensor } from './ir.js';
import { float32Tensor, int64Tensor } from './ir.js';

export const attr = {
  int: (value: number): Attribute => ({ kind: 'int', value }),
  ints: (value: readonly number[]): Attribute => ({ kind: 'ints', value }),
  float: (value: number): Attribute => ({ kind: 'float', value }),
  string: (value: string): Attribute => ({ kind: 'string', value }),
};

export interface Builder {
  readonly nodes: Node[];
  readonly initializers: Map<string, Tensor>;
  /** Adds a node and returns its output names. */
  node(opType: string, inputs: readonly string[], attributes?: Record<string, Attribute>, outputs?: number | readonly string[]): string[];
  /** Adds a single-output node and returns its output name. */
  op(opType: string, inputs: readonly string[], attributes?: Record<string, Attribute>): string;
  /** Adds an initializer; a `key` makes later requests with the same key return the same tensor. */
  constant(tensor: Tensor, hint: string, key?: string): string;
  /** A float32 scalar, shared across the graph. */
  scalar(value: number): string;
  /** A 1-D int64 constant, shared across the graph. */
  ints(values: readonly number[]): string;
  /** A fresh tensor name. */
  fresh(hint: string): string;
}

export function createBuilder(taken: Iterable<string>, prefix = 'lrp'): Builder {
  const used = new Set(taken);
  const nodes: Node[] = [];
  const initializers = new Map<string, Tensor>();
  const shared = new Map<string, string>();
  let counter = 0;
  const fresh = (hint: string): string => {
    let name = `${prefix}/${hint}`;
    while (used.has(name)) name = `${prefix}/${hint}_${++counter}`;
    used.add(name);
    return name;
  };
  const constant = (tensor: Tensor, hint: string, key?: string): string => {
    const existing = key ? shared.get(key) : undefined;
    if (existing) return existing;
    const name = fresh(hint);
    initializers.set(name, tensor);
    if (key) shared.set(key, name);
    return name;
  };
  const node = (opType: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}, outputs: number | readonly string[] = 1): string[] => {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => fresh(opType)) : [...outputs];
    nodes.push({ name: fresh(`${opType}_node`), opType, domain: '', inputs: [...inputs], outputs: outs, attributes });
    return outs;
  };
  return {
    nodes,
    initializers,
    node,
    op: (opType, inputs, attributes) => node(opType, inputs, attributes)[0],
    constant,
    scalar: (value) => constant(float32Tensor([], [value]), 'scalar', `scalar:${Object.is(value, -0) ? '-0' : value}`),
    ints: (values) => constant(int64Tensor([values.length], values), 'ints', `ints:${values.join(',')}`),
    fresh,
  };
}
