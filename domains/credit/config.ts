/**
 * The credit domain's configuration (domain.yaml, or a YAML that extends it): loaded, merged, schema-checked,
 * and checked for generic reasons. checkConfigForCard binds it to a model card (every feature configured,
 * levels and bounds that exist). Every error is one line naming the file and the field.
 */
import path from 'node:path';
import { fail } from '../../src/errors.js';
import { readYamlFile } from '../../src/io/yaml.js';
import type { ModelCard, TabularFeature, TabularPreprocessing } from '../../src/models/card.js';
import { packagePath } from '../../src/paths.js';
import { validateWith } from '../../src/schemas/validate.js';

export interface Party {
  readonly name: string;
  readonly address: string;
}

export interface BasisEntry {
  readonly attribute: string;
  readonly basis: string;
}

export interface ActionConfig {
  readonly direction: 'increase-only' | 'decrease-only';
  /** Numeric attributes: candidate values are multiples of step, within bounds, at most max_steps of them. */
  readonly step?: number;
  readonly bounds?: readonly [number, number];
  readonly max_relative_change?: number;
  readonly max_steps?: number;
  /** Categorical attributes: levels from worst to best; a group (array) holds levels of equal rank. */
  readonly order?: readonly (string | readonly string[])[];
  readonly step_cost: number;
  readonly text: string;
  /**
   * A numeric attribute that changes with this one in proportion (new/old), rounded down to its own step: a
   * shorter term at the same amount means larger installments, which the model's other inputs would not show;
   * with the amount scaled, the installment stays as it was.
   */
  readonly scales?: string;
}

export interface ReasonConfig {
  readonly high?: string;
  readonly low?: string;
  readonly default?: string;
  readonly levels?: Readonly<Record<string, string>>;
  /** Categorical attributes without an action order: the levels from worst to best as the lender sees them. */
  readonly order?: readonly (string | readonly string[])[];
}

/** The lender's ranking of an attribute's levels (worst to best), for reasons: its action's, else its reason's. */
export const levelOrder = (attribute: AttributeConfig | undefined): readonly (string | readonly string[])[] | undefined => attribute?.action?.order ?? attribute?.reason.order;

export interface AttributeConfig {
  readonly label: string;
  readonly unit?: string;
  /** How a categorical level reads in documents, where the data's own name is a code (default: the level itself). */
  readonly level_text?: Readonly<Record<string, string>>;
  readonly reason: ReasonConfig;
  readonly action?: ActionConfig;
}

/** FCRA 615(a): a consumer report behind the decision, and the agency that supplied it (name, address, phone). */
export interface ConsumerReportConfig {
  readonly used: boolean;
  readonly agency?: Party & { readonly phone: string };
}

export interface ProfileConfig {
  readonly jurisdiction: string;
  readonly max_reasons: number;
  readonly law: string;
  readonly agency: Party;
  /** The creditor this profile's letters name, when not the top-level lender (its entity in that jurisdiction). */
  readonly lender?: Party;
  /** US profiles say whether a consumer report was used (FCRA); not applicable elsewhere. */
  readonly consumer_report?: ConsumerReportConfig;
}

export type ReferenceMethod = 'none' | 'near-cutoff' | 'all';

export interface CreditDomainConfig {
  readonly version: 1;
  /** `card` is absolute after loading. */
  readonly model: { readonly card: string; readonly refuse_class: string };
  readonly explanation: { readonly composite: string; readonly params?: Readonly<Record<string, number>>; readonly seed: 'logit' };
  /** `data` is absolute after loading. */
  readonly reference: { readonly method: ReferenceMethod; readonly data?: string; readonly count?: number };
  readonly top_factors: number;
  readonly lender: Party;
  readonly profiles: Readonly<Record<string, ProfileConfig>>;
  readonly prohibited: readonly BasisEntry[];
  readonly proxies: readonly BasisEntry[];
  readonly generic_reason_patterns: readonly string[];
  readonly form_c1_reasons: readonly string[];
  readonly factor_phrases: { readonly adverse: string; readonly favorable: string };
  readonly hints: { readonly max_hints: number; readonly max_attributes: 1 | 2; readonly disclaimer: string };
  readonly attributes: Readonly<Record<string, AttributeConfig>>;
}

export interface LoadedDomain {
  readonly config: CreditDomainConfig;
  readonly file: string;
}

export const DEFAULT_DOMAIN_FILE = packagePath('domains', 'credit', 'domain.yaml');

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function loadCreditDomain(file: string = DEFAULT_DOMAIN_FILE): LoadedDomain {
  const merged = loadMerged(path.resolve(file), []);
  const config = validateWith<CreditDomainConfig>('credit-domain.schema.json', merged, file);
  checkGenericReasons(config, file);
  checkBases(config, file);
  checkConsumerReports(config, file);
  return { config, file: path.resolve(file) };
}

/**
 * `extends: BASE.yaml` (relative to the file): the file's top-level keys replace the base's, except
 * `attributes`, merged by attribute name, so a model with new attributes adds only those.
 */
function loadMerged(file: string, chain: readonly string[]): Json {
  if (chain.includes(file)) fail(`${file}: extends itself through ${chain.map((f) => path.basename(f)).join(' → ')}`);
  const raw = readYamlFile(file, 'credit domain config');
  if (!isObject(raw)) fail(`${file}: must be a YAML mapping`);
  const own = resolvePaths(raw, path.dirname(file));
  const { extends: base, ...rest } = own;
  if (base === undefined) return rest;
  if (typeof base !== 'string') fail(`${file}: extends must be a file name`);
  const parent = loadMerged(path.resolve(path.dirname(file), base), [...chain, file]);
  const attributes = isObject(parent.attributes) && isObject(rest.attributes) ? { ...parent.attributes, ...rest.attributes } : (rest.attributes ?? parent.attributes);
  return { ...parent, ...rest, ...(attributes === undefined ? {} : { attributes }) };
}

/** File names in a config are relative to the file that names them, so a merged config stays correct. */
function resolvePaths(raw: Json, dir: string): Json {
  const at = (section: unknown, key: string) => (isObject(section) && typeof section[key] === 'string' ? { ...section, [key]: path.resolve(dir, section[key] as string) } : section);
  return {
    ...raw,
    ...(raw.model === undefined ? {} : { model: at(raw.model, 'card') }),
    ...(raw.reference === undefined ? {} : { reference: at(raw.reference, 'data') }),
  };
}

/**
 * A US letter must carry the FCRA 615(a) disclosure when the decision rests on a consumer report: each US profile
 * says whether one was used (no silent default), and with one, names the agency.
 */
function checkConsumerReports(config: CreditDomainConfig, file: string): void {
  for (const [id, profile] of Object.entries(config.profiles)) {
    const report = profile.consumer_report;
    const at = `${file}: profiles.${id}.consumer_report`;
    if (profile.jurisdiction === 'US' && report === undefined) fail(`${at}: a US profile states whether a consumer report was used (used: false, or used: true with the agency's name, address and phone)`);
    if (report?.used && !report.agency) fail(`${at}.agency: a consumer report was used; the letter must name the agency that supplied it (name, address, phone)`);
    if (report && !report.used && report.agency) fail(`${at}.agency: no consumer report was used (used: false), so no agency`);
  }
}

/** Reg B commentary 9(b)(2)-1: a reason must name the factor, never "internal standards" or "score too low". */
function checkGenericReasons(config: CreditDomainConfig, file: string): void {
  const patterns = config.generic_reason_patterns.map((p) => ({ source: p, re: new RegExp(p, 'iu') }));
  for (const [name, attribute] of Object.entries(config.attributes)) {
    const { levels, order: _order, ...directions } = attribute.reason;
    const statements: [string, string][] = [
      ...Object.entries(directions).map(([k, v]): [string, string] => [`attributes.${name}.reason.${k}`, v]),
      ...Object.entries(levels ?? {}).map(([level, v]): [string, string] => [`attributes.${name}.reason.levels.${JSON.stringify(level)}`, v]),
    ];
    for (const [field, text] of statements) {
      const hit = patterns.find((p) => p.re.test(text));
      if (hit) fail(`${file}: ${field}: ${JSON.stringify(text)} is a generic reason (matches /${hit.source}/); state the factor the model scored`);
    }
  }
}

/** A prohibited basis or proxy can never be suggested as a change. */
function checkBases(config: CreditDomainConfig, file: string): void {
  for (const { attribute } of [...config.prohibited, ...config.proxies]) {
    if (config.attributes[attribute]?.action) fail(`${file}: attributes.${attribute}.action: ${attribute} is a prohibited basis or proxy and must stay immutable (remove its action)`);
  }
}

/** Checks that the config covers the card: labels and reasons for every feature, levels and bounds that exist. */
export function checkConfigForCard(config: CreditDomainConfig, card: ModelCard, file: string): TabularPreprocessing {
  const pre = card.preprocessing;
  if (pre.kind !== 'tabular') fail(`${file}: model.card ${card.name} is not a tabular model`);
  if (card.output.head !== 'sigmoid' || card.output.threshold === undefined) fail(`${file}: model.card ${card.name} must end in a sigmoid with an operating threshold`);
  if (card.output.positive_class !== config.model.refuse_class) {
    fail(`${file}: model.refuse_class is ${config.model.refuse_class} but the card scores ${card.output.positive_class ?? '(no positive_class)'}; the domain needs the probability of the refused class`);
  }
  for (const feature of pre.features) {
    const attribute = config.attributes[feature.name];
    if (!attribute) fail(`${file}: attributes.${feature.name} is missing: the model uses it, so it needs a label and reason statements`);
    checkReasons(feature, attribute.reason, `${file}: attributes.${feature.name}.reason`);
    for (const level of Object.keys(attribute.level_text ?? {})) {
      if (feature.type === 'numeric' || !feature.levels.includes(level)) fail(`${file}: attributes.${feature.name}.level_text: ${JSON.stringify(level)} is not a level of ${feature.name}`);
    }
    if (attribute.action) checkAction(feature, attribute.action, `${file}: attributes.${feature.name}.action`, pre.features, config);
  }
  return pre;
}

function checkReasons(feature: TabularFeature, reason: ReasonConfig, at: string): void {
  if (feature.type === 'numeric') {
    if (!reason.high || !reason.low) fail(`${at}: numeric attribute ${feature.name} needs "high" and "low" statements`);
    return;
  }
  for (const level of Object.keys(reason.levels ?? {})) {
    if (!feature.levels.includes(level)) fail(`${at}.levels: ${JSON.stringify(level)} is not a level of ${feature.name}; levels: ${feature.levels.map((l) => JSON.stringify(l)).join(', ')}`);
  }
  const uncovered = feature.levels.filter((l) => reason.levels?.[l] === undefined);
  if (uncovered.length > 0 && !reason.default) fail(`${at}: no statement for level ${JSON.stringify(uncovered[0])} and no default`);
  if (reason.order) checkOrder(feature, reason.order, `${at}.order`);
}

function checkOrder(feature: TabularFeature & { type: 'categorical' }, order: readonly (string | readonly string[])[], at: string): void {
  const seen = new Set<string>();
  for (const level of order.flat()) {
    if (!feature.levels.includes(level)) fail(`${at}: ${JSON.stringify(level)} is not a level of ${feature.name}`);
    if (seen.has(level)) fail(`${at}: ${JSON.stringify(level)} is listed twice`);
    seen.add(level);
  }
}

function checkAction(feature: TabularFeature, action: ActionConfig, at: string, features: readonly TabularFeature[], config: CreditDomainConfig): void {
  if (feature.type === 'numeric') {
    if (action.step === undefined || action.bounds === undefined || action.max_steps === undefined) fail(`${at}: numeric attribute ${feature.name} needs step, bounds and max_steps`);
    if (action.order) fail(`${at}.order: applies to categorical attributes only`);
    const [lo, hi] = action.bounds;
    const [vlo, vhi] = feature.valid_range;
    if (!(lo < hi) || lo < vlo || hi > vhi) fail(`${at}.bounds: [${lo}, ${hi}] must be increasing and inside the card's valid range [${vlo}, ${vhi}]`);
    if (action.scales !== undefined) {
      const scaled = features.find((f) => f.name === action.scales);
      if (!scaled || scaled.type !== 'numeric' || scaled.name === feature.name) fail(`${at}.scales: ${action.scales} is not another numeric attribute of the model`);
      // Its change is worded as its own action in the documents.
      if (!config.attributes[scaled.name]?.action) fail(`${at}.scales: ${action.scales} has no action (its wording in the documents)`);
    }
    return;
  }
  if (!action.order) fail(`${at}: categorical attribute ${feature.name} needs an order of levels`);
  if (action.step !== undefined || action.bounds !== undefined || action.max_steps !== undefined || action.max_relative_change !== undefined || action.scales !== undefined) {
    fail(`${at}: step, bounds, max_steps, max_relative_change and scales apply to numeric attributes only`);
  }
  checkOrder(feature, action.order, `${at}.order`);
}

/** A level as documents show it: its configured text, or the level as the data names it. */
export const levelText = (attribute: AttributeConfig, level: string): string => attribute.level_text?.[level] ?? level;

