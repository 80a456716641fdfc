/**
 * γ (zennit's generalised form): positive outputs (z > 0) are explained with w + γw⁺ on x⁺ and w + γw⁻ on x⁻,
 * negative outputs with the two swapped; outputs with z = 0 pass nothing.
 */
import { fail } from '../../errors.js';
import type { LinearRule } from './types.js';
import { plusGammaNegative, plusGammaPositive } from './types.js';

export function gamma({ gamma = 0.25, stabilizer = 1e-6 }: { gamma?: number; stabilizer?: number } = {}): LinearRule {
  if (!(gamma >= 0)) fail(`gamma: gamma must be non-negative (got ${gamma})`);
  const up = plusGammaPositive(gamma);
  const down = plusGammaNegative(gamma);
  return {
    name: 'gamma',
    stabilizer,
    params: { gamma, stabilizer },
    passes: [
      {
        terms: [
          { input: 'x+', weight: up, sign: 1 },
          { input: 'x-', weight: down, sign: 1 },
        ],
        bias: up,
        coefficient: 1,
        mask: 'positive',
      },
      {
        terms: [
          { input: 'x+', weight: down, sign: 1 },
          { input: 'x-', weight: up, sign: 1 },
        ],
        bias: down,
        coefficient: 1,
        mask: 'negative',
      },
    ],
  };
}
