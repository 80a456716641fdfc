/** Flat: every connected input gets an equal share, R_j = Σ_k R_k / N_k (weights 1, input 1, no bias). */
import type { LinearRule } from './types.js';
import { ones } from './types.js';

export function flat({ stabilizer = 1e-6 }: { stabilizer?: number } = {}): LinearRule {
  return {
    name: 'flat',
    stabilizer,
    params: { stabilizer },
    passes: [{ terms: [{ input: 'ones', weight: ones, sign: 1 }], bias: null, coefficient: 1 }],
  };
}
