/** The rule registry: name → parameters it accepts → the declarative rule. */
import { fail } from '../../errors.js';
import { alphaBeta } from './alpha-beta.js';
import { epsilon } from './epsilon.js';
import { flat } from './flat.js';
import { gamma } from './gamma.js';
import type { LinearRule } from './types.js';
import { wsquare } from './wsquare.js';
import { zbox } from './zbox.js';
import { zplus } from './zplus.js';

export type RuleParams = Readonly<Record<string, number | readonly number[]>>;

interface RuleEntry {
  /** Accepted parameters; 'bound' takes a number or one number per input channel. */
  readonly params: Readonly<Record<string, 'number' | 'bound'>>;
  readonly build: (params: Record<string, never>) => LinearRule;
}

export const RULES: Readonly<Record<string, RuleEntry>> = {
  epsilon: { params: { epsilon: 'number' }, build: epsilon },
  zplus: { params: { stabilizer: 'number' }, build: zplus },
  'alpha-beta': { params: { alpha: 'number', beta: 'number', stabilizer: 'number' }, build: alphaBeta },
  gamma: { params: { gamma: 'number', stabilizer: 'number' }, build: gamma },
  flat: { params: { stabilizer: 'number' }, build: flat },
  wsquare: { params: { stabilizer: 'number' }, build: wsquare },
  zbox: { params: { low: 'bound', high: 'bound', stabilizer: 'number' }, build: zbox },
};

export function buildRule(name: string, params: RuleParams, where: string): LinearRule {
  const entry = RULES[name];
  if (!entry) fail(`${where}: unknown rule "${name}"; rules are: ${Object.keys(RULES).join(', ')}`);
  for (const [key, value] of Object.entries(params)) {
    const kind = entry.params[key];
    if (!kind) fail(`${where}: rule ${name} has no parameter "${key}"; it takes: ${Object.keys(entry.params).join(', ') || 'none'}`);
    const ok = typeof value === 'number' ? Number.isFinite(value) : kind === 'bound' && value.every((v) => Number.isFinite(v));
    if (!ok) fail(`${where}: parameter ${key} of rule ${name} must be a finite number${kind === 'bound' ? ' or a list of them' : ''}`);
    if ((key === 'epsilon' || key === 'stabilizer') && typeof value === 'number' && value < 0) fail(`${where}: ${key} must be ≥ 0`);
  }
  return entry.build(params as Record<string, never>);
}

export type { LinearRule } from './types.js';
