/** LRP-ε: R_j = x_j Σ_k w_jk R_k / stab_ε(z_k); ε → 0 is LRP-0. */
import type { LinearRule } from './types.js';
import { keep } from './types.js';

export function epsilon({ epsilon = 1e-6 }: { epsilon?: number } = {}): LinearRule {
  return {
    name: 'epsilon',
    stabilizer: epsilon,
    params: { epsilon },
    passes: [{ terms: [{ input: 'x', weight: keep, sign: 1 }], bias: keep, coefficient: 1 }],
  };
}
