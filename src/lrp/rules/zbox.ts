/**
 * z^B for bounded inputs (first layer on images): R_j = Σ_k (x_j w_jk − l_j w⁺_jk − h_j w⁻_jk) R_k / stab(z_k),
 * z_k = Σ_i (x_i w_ik − l_i w⁺_ik − h_i w⁻_ik); the bias cancels. Bounds are scalars or one value per channel.
 */
import { fail } from '../../errors.js';
import type { LinearRule } from './types.js';
import { keep, negative, positive } from './types.js';

type Bound = number | readonly number[];

export function zbox({ low, high, stabilizer = 1e-6 }: { low?: Bound; high?: Bound; stabilizer?: number }): LinearRule {
  if (low === undefined || high === undefined) fail('zbox: parameters low and high (the input value range) are required');
  const lows = typeof low === 'number' ? [low] : low;
  const highs = typeof high === 'number' ? [high] : high;
  if (lows.length !== highs.length && lows.length !== 1 && highs.length !== 1) fail('zbox: low and high must have the same number of channels');
  lows.forEach((l, i) => {
    const h = highs[highs.length === 1 ? 0 : i];
    if (!(l <= h)) fail(`zbox: low (${l}) must not exceed high (${h})`);
  });
  return {
    name: 'zbox',
    stabilizer,
    params: { low, high, stabilizer },
    bounds: { low, high },
    passes: [
      {
        terms: [
          { input: 'x', weight: keep, sign: 1 },
          { input: 'low', weight: positive, sign: -1 },
          { input: 'high', weight: negative, sign: -1 },
        ],
        bias: null,
        coefficient: 1,
      },
    ],
  };
}
