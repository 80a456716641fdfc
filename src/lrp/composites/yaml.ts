/** Composite files in YAML: validated against schemas/composite.schema.json, then resolved to entries. */
import { fail } from '../../errors.js';
import { readYamlFile } from '../../io/yaml.js';
import { validateWith } from '../../schemas/validate.js';
import type { RuleParams } from '../rules/index.js';
import { builtinComposite, NORM_EPSILON } from './builtin.js';
import type { Composite, CompositeEntry } from './types.js';

interface CompositeFile {
  name?: string;
  extends?: string;
  params?: Record<string, number | number[]>;
  rules?: ({ match: { op?: string | string[]; name?: string; position?: 'first' | 'last' }; rule: string } & Record<string, unknown>)[];
}

export function loadCompositeFile(file: string, overrides: Record<string, number> = {}): Composite {
  const data = readYamlFile(file, 'composite file');
  return compositeFromObject(validateWith<CompositeFile>('composite.schema.json', data, file), file, overrides);
}

export function compositeFromObject(spec: CompositeFile, source: string, overrides: Record<string, number> = {}): Composite {
  const base = spec.extends ? builtinComposite(spec.extends, { ...spec.params, ...overrides }) : undefined;
  if (!base && (spec.params || Object.keys(overrides).length > 0)) fail(`${source}: params need a built-in base (extends)`);
  const own: CompositeEntry[] = (spec.rules ?? []).map((r) => {
    const { match, rule, ...params } = r;
    if (match.name?.startsWith('/')) checkPattern(match.name, source);
    return {
      match: { ...(match.op ? { op: typeof match.op === 'string' ? [match.op] : match.op } : {}), ...(match.name ? { name: match.name } : {}), ...(match.position ? { position: match.position } : {}) },
      rule,
      params: params as RuleParams,
    };
  });
  return {
    name: spec.name ?? (base ? `${base.name}+${source}` : source),
    params: base?.params ?? {},
    entries: [...own, ...(base?.entries ?? [])],
    normEpsilon: NORM_EPSILON,
  };
}

function checkPattern(pattern: string, source: string): void {
  const m = /^\/(.*)\/([a-z]*)$/.exec(pattern);
  try {
    if (!m) throw new Error('expected /pattern/flags');
    new RegExp(m[1], m[2]);
  } catch (e) {
    fail(`${source}: match.name ${pattern} is not a valid /regex/ (${(e as Error).message})`);
  }
}
