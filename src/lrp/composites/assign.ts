/** Assigns each linear layer its rule: composite entries in order, first match wins. */
import { fail } from '../../errors.js';
import type { Node } from '../../onnx/ir.js';
import type { LinearRule } from '../rules/index.js';
import { buildRule } from '../rules/index.js';
import type { Composite, LayerMatch } from './types.js';

export const LINEAR_OPS = new Set(['Gemm', 'MatMul', 'Conv']);

/** `originalOp` maps canonized nodes back to the op the user saw (a MatMul folded into a Gemm is still MatMul). */
export function assignRules(linearNodes: readonly Node[], composite: Composite, originalOp: (n: Node) => string): Map<Node, LinearRule> {
  const rules = new Map<Node, LinearRule>();
  const matchesFields = (m: LayerMatch, n: Node) => (!m.op || m.op.includes(originalOp(n)) || m.op.includes(n.opType)) && (!m.name || nameMatches(m.name, n.name));
  for (const node of linearNodes) {
    const index = composite.entries.findIndex((entry) => {
      const m = entry.match;
      if (!matchesFields(m, node)) return false;
      if (!m.position) return true;
      const candidates = linearNodes.filter((n) => matchesFields(m, n));
      return m.position === 'first' ? candidates[0] === node : candidates[candidates.length - 1] === node;
    });
    if (index < 0) fail(`composite ${composite.name} assigns no rule to node ${node.name} (${originalOp(node)})`);
    const entry = composite.entries[index];
    rules.set(node, buildRule(entry.rule, stripUndefined(entry.params), `composite ${composite.name}, node ${node.name}`));
  }
  return rules;
}

/**
 * The parameters a user set that no layer's rule uses: a composite may put a rule only on layers the model does not
 * have (epsilon-gamma-box's zbox goes on the first convolution only, as in zennit), and then its parameters change
 * nothing. Said, not refused: the explanation is still the composite's.
 */
export function unusedParams(given: Readonly<Record<string, unknown>>, rules: readonly { readonly params: Readonly<Record<string, unknown>> }[]): string[] {
  return Object.keys(given).filter((name) => !rules.some((r) => name in r.params));
}

function nameMatches(pattern: string, name: string): boolean {
  const m = /^\/(.*)\/([a-z]*)$/.exec(pattern);
  return m ? new RegExp(m[1], m[2]).test(name) : pattern === name;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
