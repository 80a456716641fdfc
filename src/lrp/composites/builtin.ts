/**
 * zennit's built-in composites with zennit's defaults. Common to all: activations → pass, Add / AveragePool /
 * GlobalAveragePool → norm(1e-6), BatchNorm merged, MaxPool winner-take-all. Dense = Gemm/MatMul.
 * Note zennit's quirk kept under its name: epsilon-gamma-box gives zbox only to the first Conv.
 */
import { fail } from '../../errors.js';
import type { Composite, CompositeEntry } from './types.js';

type Params = Record<string, number | readonly number[]>;

interface BuiltinComposite {
  readonly description: string;
  /** Accepted parameters with their defaults; undefined marks a required one. */
  readonly defaults: Readonly<Record<string, number | undefined>>;
  readonly entries: (p: Params) => CompositeEntry[];
}

const DENSE = ['Gemm', 'MatMul'];
const CONV = ['Conv'];
const eps = (p: Params) => ({ epsilon: p.epsilon });
const stab = (p: Params) => ({ stabilizer: p.stabilizer });

export const BUILTIN_COMPOSITES: Readonly<Record<string, BuiltinComposite>> = {
  'epsilon-plus': {
    description: 'zplus on convolutions, epsilon on dense layers',
    defaults: { epsilon: 1e-6, stabilizer: 1e-6 },
    entries: (p) => [
      { match: { op: CONV }, rule: 'zplus', params: stab(p) },
      { match: { op: DENSE }, rule: 'epsilon', params: eps(p) },
    ],
  },
  'epsilon-plus-flat': {
    description: 'flat on the first linear layer, zplus on convolutions, epsilon on dense layers',
    defaults: { epsilon: 1e-6, stabilizer: 1e-6 },
    entries: (p) => [
      { match: { position: 'first' }, rule: 'flat', params: stab(p) },
      { match: { op: CONV }, rule: 'zplus', params: stab(p) },
      { match: { op: DENSE }, rule: 'epsilon', params: eps(p) },
    ],
  },
  'epsilon-alpha2-beta1': {
    description: 'alpha-beta(2,1) on convolutions, epsilon on dense layers',
    defaults: { epsilon: 1e-6, stabilizer: 1e-6 },
    entries: (p) => [
      { match: { op: CONV }, rule: 'alpha-beta', params: { alpha: 2, beta: 1, ...stab(p) } },
      { match: { op: DENSE }, rule: 'epsilon', params: eps(p) },
    ],
  },
  'epsilon-alpha2-beta1-flat': {
    description: 'flat on the first linear layer, alpha-beta(2,1) on convolutions, epsilon on dense layers',
    defaults: { epsilon: 1e-6, stabilizer: 1e-6 },
    entries: (p) => [
      { match: { position: 'first' }, rule: 'flat', params: stab(p) },
      { match: { op: CONV }, rule: 'alpha-beta', params: { alpha: 2, beta: 1, ...stab(p) } },
      { match: { op: DENSE }, rule: 'epsilon', params: eps(p) },
    ],
  },
  'epsilon-gamma-box': {
    description: 'zbox(low, high) on the first convolution, gamma on other convolutions, epsilon on dense layers',
    defaults: { low: undefined, high: undefined, gamma: 0.25, epsilon: 1e-6, stabilizer: 1e-6 },
    entries: (p) => [
      { match: { op: CONV, position: 'first' }, rule: 'zbox', params: { low: p.low, high: p.high, ...stab(p) } },
      { match: { op: CONV }, rule: 'gamma', params: { gamma: p.gamma, ...stab(p) } },
      { match: { op: DENSE }, rule: 'epsilon', params: eps(p) },
    ],
  },
  epsilon: {
    description: 'epsilon on every linear layer (LRP-ε; LRP-0 as epsilon → 0)',
    defaults: { epsilon: 1e-6 },
    entries: (p) => [{ match: {}, rule: 'epsilon', params: eps(p) }],
  },
};

export const NORM_EPSILON = 1e-6;

export function builtinComposite(name: string, given: Params = {}): Composite {
  const builtin = BUILTIN_COMPOSITES[name];
  if (!builtin) fail(`unknown composite "${name}"; built-in composites are: ${Object.keys(BUILTIN_COMPOSITES).join(', ')} (or give a .yaml file)`);
  for (const key of Object.keys(given)) {
    if (!(key in builtin.defaults)) fail(`composite ${name} has no parameter "${key}"; it takes: ${Object.keys(builtin.defaults).join(', ')}`);
  }
  const params: Params = {};
  for (const [key, fallback] of Object.entries(builtin.defaults)) {
    const value = given[key] ?? fallback;
    if (value === undefined) fail(`composite ${name} needs parameter "${key}" (e.g. --param ${key}=…)`);
    params[key] = value;
  }
  return { name, params, entries: builtin.entries(params), normEpsilon: NORM_EPSILON };
}
