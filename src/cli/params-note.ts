/** The note `explain` and `compile` give when a --param changes nothing for the model. */
import type { LayerRuleRecord } from '../lrp/compile/compile.js';
import { unusedParams } from '../lrp/composites/assign.js';

/** Says on stderr which --param values no layer's rule uses: for this model they change nothing. */
export function noteUnusedParams(command: string, params: Readonly<Record<string, unknown>>, rules: readonly LayerRuleRecord[]): void {
  const unused = unusedParams(params, rules);
  if (unused.length === 0) return;
  const layers = new Map<string, number>();
  for (const r of rules) layers.set(r.rule, (layers.get(r.rule) ?? 0) + 1);
  const here = [...layers].map(([rule, n]) => `${rule} on ${n} layer${n === 1 ? '' : 's'}`).join(', ');
  const one = unused.length === 1;
  process.stderr.write(`${command}: note: --param ${unused.join(', ')} ${one ? 'changes' : 'change'} nothing for this model: no layer's rule uses ${one ? 'it' : 'them'} (its rules: ${here})\n`);
}
