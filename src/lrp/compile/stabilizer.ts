/** zennit's stabilizer as ONNX nodes: stab(z) = z + ε·s(z), s(z) = +1 for z ≥ 0 (−0.0 included), −1 otherwise. */
import type { Builder } from '../../onnx/builder.js';

export function stabilized(b: Builder, value: string, epsilon: number): string {
  const sign = b.op('Where', [b.op('GreaterOrEqual', [value, b.scalar(0)]), b.scalar(epsilon), b.scalar(-epsilon)]);
  return b.op('Add', [value, sign]);
}
