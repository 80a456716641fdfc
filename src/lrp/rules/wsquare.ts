/** w²: R_j = Σ_k w_jk² R_k / stab(Σ_i w_ik² + b_k²), independent of the input. */
import type { LinearRule } from './types.js';
import { square } from './types.js';

export function wsquare({ stabilizer = 1e-6 }: { stabilizer?: number } = {}): LinearRule {
  return {
    name: 'wsquare',
    stabilizer,
    params: { stabilizer },
    passes: [{ terms: [{ input: 'ones', weight: square, sign: 1 }], bias: square, coefficient: 1 }],
  };
}
