/** z⁺: only the positive contributions x⁺w⁺ + x⁻w⁻ (and b⁺) distribute relevance. */
import type { LinearRule } from './types.js';
import { negative, positive } from './types.js';

export function zplus({ stabilizer = 1e-6 }: { stabilizer?: number } = {}): LinearRule {
  return {
    name: 'zplus',
    stabilizer,
    params: { stabilizer },
    passes: [
      {
        terms: [
          { input: 'x+', weight: positive, sign: 1 },
          { input: 'x-', weight: negative, sign: 1 },
        ],
        bias: positive,
        coefficient: 1,
      },
    ],
  };
}
