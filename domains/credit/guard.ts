/**
 * The prohibited-basis guard. A model fed a prohibited basis cannot back a letter; a prohibited basis or a
 * configured proxy among the principal reasons stops the letter and sends the case to a human, and so does a proxy
 * that decides the refusal on its own, whatever its rank (decidingProxy). Nothing is dropped: the flagged
 * attributes stay in the factors and reasons, marked with their basis.
 */
import type { TabularPreprocessing } from '../../src/models/card.js';
import type { CreditDomainConfig } from './config.js';

export interface Basis {
  readonly kind: 'prohibited' | 'proxy';
  readonly basis: string;
}

export interface Escalation {
  readonly code: 'prohibited-input' | 'proxy-reason' | 'proxy-decides' | 'no-adverse-reason';
  readonly attributes: readonly string[];
  readonly message: string;
}

export function basisOf(config: CreditDomainConfig, attribute: string): Basis | null {
  const prohibited = config.prohibited.find((p) => p.attribute === attribute);
  if (prohibited) return { kind: 'prohibited', basis: prohibited.basis };
  const proxy = config.proxies.find((p) => p.attribute === attribute);
  return proxy ? { kind: 'proxy', basis: proxy.basis } : null;
}

/** Model inputs that are prohibited bases (the card feeds them to the model). */
function prohibitedInputs(config: CreditDomainConfig, pre: TabularPreprocessing): string[] {
  return pre.features.map((f) => f.name).filter((name) => basisOf(config, name)?.kind === 'prohibited');
}

/** Why a human must review this case, or null. `principal` are the attributes that would be stated as reasons. */
export function escalationFor(config: CreditDomainConfig, pre: TabularPreprocessing, principal: readonly string[]): Escalation | null {
  const inputs = prohibitedInputs(config, pre);
  if (inputs.length > 0) {
    return { code: 'prohibited-input', attributes: inputs, message: `the model uses prohibited bases (${describe(config, inputs)}); it cannot back an adverse-action letter` };
  }
  // A prohibited basis can only be a reason if the model is fed it, which is escalated above.
  const proxies = principal.filter((a) => basisOf(config, a)?.kind === 'proxy');
  if (proxies.length === 0) return null;
  return {
    code: 'proxy-reason',
    attributes: proxies,
    message: `a configured proxy of a prohibited basis would be a principal reason (${describe(config, proxies)}): no letter; a human must review the decision`,
  };
}

/**
 * The escalation for a refusal that a configured proxy decides: with only the proxy changed (to `value`) the
 * model approves. A proxy ranked below the stated reasons is not named in the letter, yet it can still decide
 * the outcome; that is a decision on a prohibited basis all the same.
 */
export function decidingProxy(config: CreditDomainConfig, attribute: string, value: string | number): Escalation {
  return {
    code: 'proxy-decides',
    attributes: [attribute],
    message: `with only ${attribute} (a configured proxy of ${basisOf(config, attribute)!.basis}) changed to ${value}, the model approves: the proxy decides the refusal; no letter; a human must review the decision`,
  };
}

const describe = (config: CreditDomainConfig, attributes: readonly string[]) => attributes.map((a) => `${a}: ${basisOf(config, a)!.basis}`).join('; ');
