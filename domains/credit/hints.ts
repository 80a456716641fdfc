/**
 * Improvement hints (actionable recourse, Ustun et al. 2019): the cheapest changes of one or two actionable
 * attributes, in their allowed direction and within bounds, that the model re-scores below the threshold.
 * Every candidate of every applicant is scored in batched runs of the model itself; the chosen hints are then
 * rebuilt from the changed case through the card's encoder and scored again, and kept only if still approved.
 */
import type { TabularFeature } from '../../src/models/card.js';
import { encodeCase } from '../../src/models/tabular-encoder.js';
import { columnSpans } from './attribution.js';
import type { CreditCase } from './case.js';
import type { ActionConfig, CreditDomainConfig } from './config.js';
import type { CreditModel } from './model.js';
import { isRefused } from './model.js';

export interface HintChange {
  readonly attribute: string;
  readonly label: string;
  readonly unit?: string;
  readonly from: string | number;
  readonly to: string | number;
  /** Steps of the configured grid or level order. */
  readonly steps: number;
  readonly action: string;
}

export interface Hint {
  readonly changes: readonly HintChange[];
  /** Σ steps × step_cost: what "smallest" means (configured per attribute). */
  readonly cost: number;
  /** Probability of the refused class for the changed case, re-scored by the model. */
  readonly probability: number;
  readonly decision: 'approved';
}

export interface HintResult {
  readonly status: 'found' | 'none-feasible';
  readonly hints: readonly Hint[];
  /** Candidate changes scored. */
  readonly searched: number;
  readonly disclaimer: string;
}

export interface HintRequest {
  readonly creditCase: CreditCase;
  readonly encoded: Float32Array;
  readonly source: string;
}

interface Move {
  /** The attribute acted on. */
  readonly feature: number;
  readonly steps: number;
  readonly cost: number;
  /** What changes: the attribute acted on, then the one it scales if any (ActionConfig.scales). */
  readonly changes: readonly { readonly feature: number; readonly to: string | number }[];
  /** The changed features' encoded columns: at `start`, `values`. */
  readonly patches: readonly { readonly start: number; readonly values: Float32Array }[];
}

interface Candidate {
  readonly moves: readonly Move[];
  readonly cost: number;
}

/** Applicants per batch of candidate scoring (a few hundred candidates each). */
const REQUESTS_PER_BATCH = 64;

export async function findHints(config: CreditDomainConfig, model: CreditModel, requests: readonly HintRequest[]): Promise<HintResult[]> {
  const results: HintResult[] = [];
  for (let start = 0; start < requests.length; start += REQUESTS_PER_BATCH) {
    results.push(...(await findBatch(config, model, requests.slice(start, start + REQUESTS_PER_BATCH))));
  }
  return results;
}

async function findBatch(config: CreditDomainConfig, model: CreditModel, requests: readonly HintRequest[]): Promise<HintResult[]> {
  const width = model.pre.columns;
  const spans = columnSpans(model.pre);
  const perRequest = requests.map((r) => candidatesOf(config, model, r, spans));
  const total = perRequest.reduce((n, c) => n + c.length, 0);
  const rows = new Float32Array(total * width);
  let row = 0;
  requests.forEach((r, k) => {
    for (const candidate of perRequest[k]) {
      rows.set(r.encoded, row * width);
      for (const move of candidate.moves) for (const p of move.patches) rows.set(p.values, row * width + p.start);
      row++;
    }
  });
  const probabilities = await model.score(rows, total);
  let offset = 0;
  const chosen = perRequest.map((candidates) => {
    const scored = candidates.map((c, i) => ({ ...c, probability: probabilities[offset + i] }));
    offset += candidates.length;
    return cheapest(scored.filter((c) => !isRefused(c.probability, model.threshold)), config.hints.max_hints);
  });
  const verified = await verify(model, requests, chosen);
  return requests.map((r, k) => {
    const hints = chosen[k]
      .map((c, i) => ({ candidate: c, probability: verified[k][i] }))
      .filter(({ probability }) => !isRefused(probability, model.threshold))
      .map(({ candidate, probability }) => describeHint(config, model, r.creditCase, candidate, probability));
    return { status: hints.length > 0 ? 'found' : 'none-feasible', hints, searched: perRequest[k].length, disclaimer: config.hints.disclaimer };
  });
}

/**
 * Single moves of every actionable attribute, then pairs of moves on different attributes, as long as they change
 * at most `max_attributes` attributes in all (a move that scales another attribute changes two).
 */
function candidatesOf(config: CreditDomainConfig, model: CreditModel, request: HintRequest, spans: readonly [number, number][]): Candidate[] {
  const { features } = model.pre;
  const attributes = request.creditCase.attributes;
  const singles = features.flatMap((feature, f) => {
    const action = config.attributes[feature.name].action;
    if (!action) return [];
    const scaled = action.scales === undefined ? -1 : features.findIndex((g) => g.name === action.scales);
    return targetsOf(feature, action, attributes[feature.name]).flatMap(({ to, steps }): Move[] => {
      const changes: { feature: number; to: string | number }[] = [{ feature: f, to }];
      let cost = steps * action.step_cost;
      if (scaled >= 0) {
        const scaledAction = config.attributes[features[scaled].name].action!;
        const before = Number(attributes[features[scaled].name]);
        const value = scaledValue(features[scaled], scaledAction, before, Number(to) / Number(attributes[feature.name]));
        if (value === null) return [];
        changes.push({ feature: scaled, to: value });
        // What the scaled change asks of the applicant counts too, in its own steps.
        cost += Math.round(Math.abs(before - value) / (scaledAction.step ?? 1)) * scaledAction.step_cost;
      }
      const encoded = encodeCase(model.pre, { ...attributes, ...Object.fromEntries(changes.map((c) => [features[c.feature].name, c.to])) }, request.source);
      const patches = changes.map((c) => ({ start: spans[c.feature][0], values: encoded.slice(spans[c.feature][0], spans[c.feature][0] + spans[c.feature][1]) }));
      return [{ feature: f, steps, cost, changes, patches }];
    });
  });
  const candidates: Candidate[] = singles.map((m) => ({ moves: [m], cost: m.cost }));
  for (let i = 0; i < singles.length; i++) {
    for (let j = i + 1; j < singles.length; j++) {
      const changed = new Set([...singles[i].changes, ...singles[j].changes].map((c) => c.feature));
      if (changed.size === singles[i].changes.length + singles[j].changes.length && changed.size <= config.hints.max_attributes) {
        candidates.push({ moves: [singles[i], singles[j]], cost: singles[i].cost + singles[j].cost });
      }
    }
  }
  return candidates;
}

/**
 * `value` scaled by `ratio`, rounded down to the attribute's step (so that the installment does not grow), or null
 * when that leaves its bounds (its action's, else the card's valid range).
 */
function scaledValue(feature: TabularFeature, action: ActionConfig, value: number, ratio: number): number | null {
  if (feature.type !== 'numeric') return null;
  const step = action.step ?? 1;
  const scaled = Number((Math.floor((value * ratio) / step) * step).toPrecision(12));
  const [lo, hi] = action.bounds ?? feature.valid_range;
  return scaled >= lo && scaled <= hi ? scaled : null;
}

/** Values reachable from `value` in the allowed direction: grid multiples of step within bounds, or later levels. */
export function targetsOf(feature: TabularFeature, action: ActionConfig, value: string | number): { to: string | number; steps: number }[] {
  const down = action.direction === 'decrease-only';
  if (feature.type === 'categorical') {
    const groups = action.order!.map((g) => (typeof g === 'string' ? [g] : g));
    const at = groups.findIndex((g) => g.includes(String(value)));
    if (at < 0) return []; // a level outside the order cannot be changed by the applicant
    const reachable = down ? groups.slice(0, at).reverse() : groups.slice(at + 1);
    return reachable.flatMap((g, i) => g.map((to) => ({ to, steps: i + 1 })));
  }
  const current = Number(value);
  const step = action.step!;
  const [lo, hi] = action.bounds!;
  const limit = action.max_relative_change;
  const floor = Math.max(lo, limit === undefined ? -Infinity : current * (1 - limit));
  const ceiling = Math.min(hi, limit === undefined ? Infinity : current * (1 + limit));
  const out: { to: number; steps: number }[] = [];
  // The first grid point strictly beyond the current value, then one step at a time.
  for (let k = down ? Math.ceil(current / step) - 1 : Math.floor(current / step) + 1; out.length < action.max_steps!; k += down ? -1 : 1) {
    const to = Number((k * step).toPrecision(12));
    if (down ? to < floor : to > ceiling) break;
    out.push({ to, steps: out.length + 1 });
  }
  return out;
}

/** Cheapest first (then fewer attributes, then lower probability), skipping any candidate a kept one dominates. */
function cheapest<C extends Candidate & { readonly probability: number }>(approved: C[], max: number): C[] {
  approved.sort((a, b) => a.cost - b.cost || a.moves.length - b.moves.length || a.probability - b.probability);
  const kept: C[] = [];
  for (const c of approved) {
    if (kept.length === max) break;
    if (!kept.some((k) => dominates(k, c))) kept.push(c);
  }
  return kept;
}

/** `a` dominates `b` when b makes every change of a at least as far (b asks more for the same effect). */
const dominates = (a: Candidate, b: Candidate) => a.moves.every((m) => b.moves.some((n) => n.feature === m.feature && n.steps >= m.steps));

/** Rebuilds each chosen hint from the changed case (not from patched columns) and scores all in one run. */
async function verify(model: CreditModel, requests: readonly HintRequest[], chosen: readonly Candidate[][]): Promise<number[][]> {
  const width = model.pre.columns;
  const changed = requests.flatMap((r, k) =>
    chosen[k].map((c) => encodeCase(model.pre, { ...r.creditCase.attributes, ...Object.fromEntries(c.moves.flatMap((m) => m.changes.map((ch) => [model.pre.features[ch.feature].name, ch.to]))) }, r.source)),
  );
  const rows = new Float32Array(changed.length * width);
  changed.forEach((e, i) => rows.set(e, i * width));
  const probabilities = await model.score(rows, changed.length);
  let offset = 0;
  return chosen.map((c) => {
    const slice = Array.from(probabilities.subarray(offset, offset + c.length));
    offset += c.length;
    return slice;
  });
}

function describeHint(config: CreditDomainConfig, model: CreditModel, creditCase: CreditCase, candidate: Candidate, probability: number): Hint {
  const changes = candidate.moves.flatMap((m) =>
    m.changes.map((ch, i): HintChange => {
      const feature = model.pre.features[ch.feature];
      const attribute = config.attributes[feature.name];
      const from = creditCase.attributes[feature.name];
      return {
        attribute: feature.name,
        label: attribute.label,
        ...(attribute.unit ? { unit: attribute.unit } : {}),
        from: feature.type === 'numeric' ? Number(from) : from,
        to: ch.to,
        // The scaled attribute moves with the one acted on: its own steps are not what the hint costs.
        steps: i === 0 ? m.steps : 0,
        action: attribute.action!.text,
      };
    }),
  );
  return { changes, cost: candidate.cost, probability, decision: 'approved' };
}
