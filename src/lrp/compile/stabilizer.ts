/** zennit's stabilizer as ONNX nodes: stab(z) = z + ε·s(z), s(z) = +1 for z ≥ 0 (−0.0 included), −1 otherwise. */
import type { Builder } from '../../onnx/builder.js';

/**
 * `positivePart`: relu(value), given when the relevance divided by stab(value) is zero wherever value ≤ 0
 * (compile/vanishing.ts): relu(value) + ε equals stab(value) everywhere else, at the cost of one Add. Only for
 * ε > 0: with ε = 0 (LRP-0) relu(value) + ε would be 0 where value < 0 and 0/0 would not be 0.
 */
export function stabilized(b: Builder, value: string, epsilon: number, positivePart?: string): string {
  if (positivePart && epsilon > 0) return b.op('Add', [positivePart, b.scalar(epsilon)]);
  const sign = b.op('Where', [b.op('GreaterOrEqual', [value, b.scalar(0)]), b.scalar(epsilon), b.scalar(-epsilon)]);
  return b.op('Add', [value, sign]);
}
