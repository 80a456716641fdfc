/** αβ: α times the positive contributions minus β times the negative ones (α − β = 1). */
import { fail } from '../../errors.js';
import type { LinearRule } from './types.js';
import { negative, positive } from './types.js';

export function alphaBeta({ alpha = 2, beta = 1, stabilizer = 1e-6 }: { alpha?: number; beta?: number; stabilizer?: number } = {}): LinearRule {
  if (alpha < 0 || beta < 0) fail(`alpha-beta: alpha (${alpha}) and beta (${beta}) must be non-negative`);
  if (Math.abs(alpha - beta - 1) > 1e-12) fail(`alpha-beta: alpha − beta must be 1 (got alpha ${alpha}, beta ${beta})`);
  return {
    name: 'alpha-beta',
    stabilizer,
    params: { alpha, beta, stabilizer },
    passes: [
      {
        terms: [
          { input: 'x+', weight: positive, sign: 1 },
          { input: 'x-', weight: negative, sign: 1 },
        ],
        bias: positive,
        coefficient: alpha,
      },
      {
        terms: [
          { input: 'x+', weight: negative, sign: 1 },
          { input: 'x-', weight: positive, sign: 1 },
        ],
        bias: negative,
        coefficient: -beta,
      },
    ],
  };
}
