/**
 * What the credit documents show, built from the report context (context.ts): the adverse-action letter (US:
 * Regulation B; EU: GDPR Art. 22 / AI Act) and the loan officer's report. Templates only look words up: every
 * statement, label, level, unit and action is passed as a locale key (`statement.<code>`, `attribute.<name>`,
 * `level.<name>=<level>`, …), so zh-CN translates the configured English by code, and numbers are passed as
 * numbers. `checkLetter` refuses a letter that misses a Regulation B / GDPR element, naming it.
 */
import { percentDigits } from '../../src/report/percent.js';
import { fail } from '../../src/errors.js';
import type { Messages } from '../../src/report/templates.js';
import { signed } from './chart.js';
import type { Party } from './config.js';
import type { CreditContext } from './context.js';
import type { Basis } from './guard.js';

export const LETTER_SCHEMA = 'lrp-report/credit-letter@1';
export const OFFICER_SCHEMA = 'lrp-report/credit-officer-report@1';
/** Reg B commentary 9(b)(2)-1: more than four reasons is not likely to be helpful (the US letter never states more). */
export const US_MAX_REASONS = 4;

export interface DateView {
  readonly iso: string;
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A value as the templates print it: a level (a locale key) or a number with its digits and unit key. */
export interface ValueView {
  readonly level_key: string | null;
  readonly number: number | null;
  readonly digits: number;
  readonly unit_key: string | null;
}

export interface BasisView {
  readonly kind_key: string;
  readonly basis_key: string;
}

export interface HintView {
  readonly number: number;
  readonly changes: readonly { readonly label_key: string; readonly action_key: string; readonly from: ValueView; readonly to: ValueView }[];
  readonly probability: number;
  readonly cost: number;
}

export interface HintsView {
  /** found: hints listed; none-feasible: the search found none; not-applicable: approved applicant. */
  readonly status: 'found' | 'none-feasible' | 'not-applicable';
  readonly found: boolean;
  readonly none_feasible: boolean;
  readonly items: readonly HintView[];
  readonly searched: number;
  /**
   * Decimals of the percentages shown with the hints, the threshold's included: the fewest (from the document's
   * usual) that show every re-scored estimate below the threshold, as it is (12.55 % against 12.56 %, where one
   * decimal printed 12.6 % against a limit of 12.6 %).
   */
  readonly digits: number;
}

export interface LetterView {
  readonly schema: typeof LETTER_SCHEMA;
  /** Which letter: `us` (Regulation B) or `eu` (GDPR Art. 22). */
  readonly jurisdiction: string;
  readonly case_id: string;
  readonly date: DateView;
  readonly applicant: { readonly name: string | null; readonly address: string | null };
  readonly creditor: Party;
  readonly agency: Party;
  readonly law: string;
  /** The action taken (Reg B 1002.9(a)(2)): the only adverse action this plugin takes is a refusal. */
  readonly action: 'declined';
  /**
   * The principal reasons, always stated (1002.9(a)(2)(i); an EU letter explains the main elements, AI Act Art. 86)
   * rather than the right to request them: a refusal the explanation gives no reason for is escalated to a human,
   * not sent a letter.
   */
  readonly reasons: readonly { readonly rank: number; readonly label_key: string; readonly statement_key: string }[];
  readonly decision: { readonly probability: number; readonly threshold: number };
  readonly hints: HintsView;
  /**
   * US, FCRA 615(a): the consumer reporting agency behind the decision, and the score used (the model's estimated
   * risk, 615(a)(2)); null when no consumer report was used.
   */
  readonly consumer_report: { readonly agency: Party & { readonly phone: string } } | null;
  /** What the reasons were ranked against: the reference population's method (the letter says so). */
  readonly reference: 'near-cutoff' | 'all' | 'none';
}

export interface FactorView {
  readonly rank: number;
  readonly label_key: string;
  readonly value: ValueView;
  readonly relevance: number;
  readonly relevance_text: string;
  readonly adverse: boolean;
  readonly effect_key: string;
  readonly statement_key: string;
  readonly basis: BasisView | null;
}

export interface OfficerView {
  readonly schema: typeof OFFICER_SCHEMA;
  readonly case_id: string;
  readonly date: DateView;
  readonly dated_today: boolean;
  readonly applicant: { readonly name: string | null; readonly address: string | null };
  readonly profile: { readonly id: string; readonly jurisdiction: string; readonly law: string; readonly agency: Party };
  readonly lender: Party;
  readonly decision: { readonly refused: boolean; readonly outcome_key: string; readonly probability: number; readonly threshold: number; readonly positive_class: string };
  readonly escalated: boolean;
  readonly escalation: { readonly code: string; readonly text_key: string; readonly attributes: readonly { readonly label_key: string; readonly basis: BasisView | null }[] } | null;
  /** due: a refusal that needs a letter; produced: rendered in this run. */
  readonly letter: { readonly status: string; readonly status_key: string; readonly due: boolean; readonly produced: boolean };
  readonly factors: readonly FactorView[];
  readonly reasons: readonly {
    readonly rank: number;
    readonly label_key: string;
    readonly statement_key: string;
    readonly adverse_text: string;
    readonly relevance_text: string;
    readonly form_c1: boolean;
    readonly basis: BasisView | null;
  }[];
  readonly reasons_not_stated: readonly { readonly statement_key: string; readonly why_key: string }[];
  readonly hints: HintsView;
  readonly explanation: {
    readonly composite: string;
    readonly params: string;
    readonly seed: string;
    readonly logit: number;
    readonly relevance_sum: number;
    readonly residual: number;
    readonly reference: { readonly method: string; readonly count: number; readonly data: string } | null;
  };
  readonly model: { readonly name: string; readonly version: string; readonly sha256: string; readonly training_data: string };
  readonly unused_attributes: string;
}

export function dateView(iso: string): DateView {
  const [year, month, day] = iso.split('-').map(Number);
  return { iso, year, month, day };
}

export function valueView(attribute: string, value: string | number, unit?: string): ValueView {
  if (typeof value === 'number') return { level_key: null, number: value, digits: Number.isInteger(value) ? 0 : 2, unit_key: unit ? `unit.${unit}` : null };
  return { level_key: `level.${attribute}=${value}`, number: null, digits: 0, unit_key: null };
}

const basisView = (attribute: string, basis: Basis | null): BasisView | null => (basis ? { kind_key: `basis_kind.${basis.kind}`, basis_key: `basis.${attribute}` } : null);

function hintsView(context: CreditContext, leastDigits: number): HintsView {
  const { hints } = context;
  return {
    digits: percentDigits(hints.hints.map((h) => h.probability), context.decision.threshold, leastDigits),
    status: hints.status,
    found: hints.status === 'found',
    none_feasible: hints.status === 'none-feasible',
    searched: hints.searched,
    items: hints.hints.map((h, i) => ({
      number: i + 1,
      probability: h.probability,
      cost: h.cost,
      changes: h.changes.map((c) => ({
        label_key: `attribute.${c.attribute}`,
        action_key: `action.${c.attribute}`,
        from: valueView(c.attribute, c.from, c.unit),
        to: valueView(c.attribute, c.to, c.unit),
      })),
    })),
  };
}

export function letterView(context: CreditContext, caseId: string, date: DateView): LetterView {
  return {
    schema: LETTER_SCHEMA,
    jurisdiction: context.profile.jurisdiction.toLowerCase(),
    case_id: caseId,
    date,
    applicant: context.case.applicant,
    creditor: context.lender,
    agency: context.profile.agency,
    law: context.profile.law,
    action: 'declined',
    reasons: context.reasons.map((r) => ({ rank: r.rank, label_key: `attribute.${r.attribute}`, statement_key: `statement.${r.statement_code}` })),
    decision: { probability: context.decision.probability, threshold: context.decision.threshold },
    hints: hintsView(context, 1),
    consumer_report: context.profile.jurisdiction === 'US' && context.profile.consumer_report?.used ? { agency: context.profile.consumer_report.agency! } : null,
    reference: context.explanation.reference?.method ?? 'none',
  };
}

/** `letterRendered`: this run renders the letter too (a run for the officer report alone must not say it did). */
export function officerView(context: CreditContext, caseId: string, date: DateView, datedToday: boolean, letterRendered: boolean): OfficerView {
  const { escalation } = context;
  const params = Object.entries(context.explanation.params).map(([k, v]) => `${k} = ${String(v)}`).join(', ');
  return {
    schema: OFFICER_SCHEMA,
    case_id: caseId,
    date,
    dated_today: datedToday,
    applicant: context.case.applicant,
    profile: { id: context.profile.id, jurisdiction: context.profile.jurisdiction, law: context.profile.law, agency: context.profile.agency },
    lender: context.lender,
    decision: {
      refused: context.decision.outcome === 'refused',
      outcome_key: `outcome.${context.decision.outcome}`,
      probability: context.decision.probability,
      threshold: context.decision.threshold,
      positive_class: context.model.positive_class,
    },
    escalated: escalation !== null,
    escalation: escalation
      ? {
          code: escalation.code,
          text_key: `escalation.${escalation.code}`,
          attributes: escalation.attributes.map((a) => ({ label_key: `attribute.${a}`, basis: basisView(a, basisFrom(context, a)) })),
        }
      : null,
    letter: { status: context.letter.status, status_key: `letter_status.${context.letter.status === 'ready' && !letterRendered ? 'ready_not_rendered' : context.letter.status}`, due: context.letter.status === 'ready', produced: context.letter.status === 'ready' && letterRendered },
    factors: context.factors.map((f) => ({
      rank: f.rank,
      label_key: `attribute.${f.attribute}`,
      value: valueView(f.attribute, f.value, f.unit),
      relevance: f.relevance,
      relevance_text: signed(f.relevance),
      adverse: f.direction === 'adverse',
      effect_key: `effect.${f.direction}`,
      statement_key: `statement.${f.statement_code}`,
      basis: basisView(f.attribute, f.basis),
    })),
    reasons: context.reasons.map((r) => ({
      rank: r.rank,
      label_key: `attribute.${r.attribute}`,
      statement_key: `statement.${r.statement_code}`,
      adverse_text: signed(r.adverse_relevance),
      relevance_text: signed(r.relevance),
      form_c1: r.form_c1,
      basis: basisView(r.attribute, r.basis),
    })),
    reasons_not_stated: context.reasons_not_stated.map((r) => ({ statement_key: `statement.${r.statement_code}`, why_key: `officer.not_stated.${r.why}` })),
    hints: hintsView(context, 2),
    explanation: {
      composite: context.explanation.composite,
      params: params || '–',
      seed: context.explanation.seed,
      logit: context.explanation.logit,
      relevance_sum: context.explanation.relevance_sum,
      residual: context.explanation.conservation_residual,
      reference: context.explanation.reference,
    },
    model: { name: context.model.name, version: context.model.version, sha256: context.model.sha256, training_data: context.model.training_data },
    unused_attributes: context.case.unused_attributes.join(', ') || '–',
  };
}

function basisFrom(context: CreditContext, attribute: string): Basis | null {
  return context.factors.find((f) => f.attribute === attribute)?.basis ?? context.reasons.find((r) => r.attribute === attribute)?.basis ?? null;
}

/**
 * The elements each letter must hold, checked on the letter's context and on the words of every locale the
 * letter can be rendered in, before anything is rendered. US (12 CFR 1002.9(a)(2), (b)): the action taken, the
 * creditor's name and address, the ECOA notice naming the federal agency and its address, the principal reasons
 * (at most 4) or the right to request them, the date. EU: the same facts, the main reasons, and the GDPR
 * Art. 22(3) rights (human intervention, to express a view, to contest) with the route to exercise them.
 * A missing element is a UserError naming it: no letter is produced.
 */
export function checkLetter(view: LetterView, locales: ReadonlyMap<string, Messages>, source: string): void {
  const jurisdiction = view.jurisdiction;
  const lacks = (element: string, detail: string): never => fail(`${source}: the ${jurisdiction.toUpperCase()} adverse-action letter lacks ${element} (${detail}); no letter produced`);
  const blank = (value: unknown) => typeof value !== 'string' || value.trim() === '';
  const words = (element: string, key: string, placeholders: readonly string[] = []) => {
    for (const [locale, messages] of locales) {
      const text = messages.get(key);
      if (blank(text)) lacks(element, `no wording "${key}" in the ${locale} locale`);
      for (const p of placeholders) if (!text!.includes(`{${p}}`)) lacks(element, `the ${locale} wording "${key}" does not state {${p}}`);
    }
  };
  if (jurisdiction !== 'us' && jurisdiction !== 'eu') fail(`${source}: no adverse-action letter for jurisdiction "${jurisdiction}" (letters: us, eu)`);
  // The action taken.
  if (view.action !== 'declined') lacks('the action taken', `action "${String(view.action)}"`);
  words('the action taken', `letter_${jurisdiction}.action`);
  // The creditor.
  if (blank(view.creditor?.name)) lacks("the creditor's name", 'lender.name in the domain configuration');
  if (blank(view.creditor?.address)) lacks("the creditor's address", 'lender.address in the domain configuration');
  // The agency (US: in the ECOA notice; EU: the supervisor).
  if (blank(view.agency?.name)) lacks(jurisdiction === 'us' ? 'the name of the federal agency that administers compliance' : 'the name of the supervisory authority', `profiles.<profile>.agency.name`);
  if (blank(view.agency?.address)) lacks(jurisdiction === 'us' ? 'the address of the federal agency that administers compliance' : 'the address of the supervisory authority', `profiles.<profile>.agency.address`);
  // The date.
  const { date } = view;
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date.iso) || Number.isNaN(Date.parse(`${date.iso}T00:00:00Z`))) lacks('the date', `date ${JSON.stringify(date?.iso ?? null)}`);
  words('the date', 'date', ['year', 'month_name', 'day']);
  words('the date', `month.${date.month}`);
  // The principal reasons.
  if (view.reasons.length === 0) lacks('the principal reasons', 'none: a refusal without one is escalated, not sent a letter');
  if (jurisdiction === 'us' && view.reasons.length > US_MAX_REASONS) lacks(`at most ${US_MAX_REASONS} principal reasons`, `${view.reasons.length} reasons`);
  words('the principal reasons', `letter_${jurisdiction}.reasons_intro`);
  for (const r of view.reasons) words(`principal reason ${r.rank}`, r.statement_key);
  if (jurisdiction === 'us') {
    words('the ECOA notice (12 CFR 1002.9(b)(1))', 'letter_us.ecoa_notice', ['agency_name', 'agency_address']);
    if (view.consumer_report) {
      const { agency } = view.consumer_report;
      for (const field of ['name', 'address', 'phone'] as const) if (blank(agency[field])) lacks(`the consumer reporting agency's ${field} (FCRA 615(a))`, `profiles.<profile>.consumer_report.agency.${field}`);
      words('the FCRA notice (615(a))', 'letter_us.fcra_notice', ['agency_name', 'agency_address', 'agency_phone']);
      words('the credit score used (FCRA 615(a)(2))', 'letter_us.fcra_score', ['score', 'creditor', 'date']);
    }
  } else {
    words('the right to human intervention (GDPR Art. 22(3))', 'letter_eu.right_human');
    words('the right to express a point of view (GDPR Art. 22(3))', 'letter_eu.right_view');
    words('the right to contest the decision (GDPR Art. 22(3))', 'letter_eu.right_contest');
    words('how to exercise these rights', 'letter_eu.rights_route', ['creditor', 'address', 'case_id']);
    words('the explanation of the procedure and main elements', 'letter_eu.procedure', ['probability', 'threshold']);
  }
  // Hints: each with its re-scored probability and "not a guarantee"; or the statement that none was feasible.
  words('"not a guarantee" with the improvement hints', 'hints.disclaimer');
  if (view.hints.none_feasible) words('the statement that no improvement was feasible', 'hints.none_feasible');
}
