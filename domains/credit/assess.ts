/**
 * The credit domain's entry point: a domain config (and through it a model card) → an assessor that turns
 * applicant cases into report contexts. Cases are scored, explained and searched for hints in batches.
 */
import { float32Sha256 } from '../../src/audit/hash.js';
import { fail } from '../../src/errors.js';
import { encodeCase } from '../../src/models/tabular-encoder.js';
import type { CreditCase } from './case.js';
import { unusedAttributes } from './case.js';
import type { CreditDomainConfig } from './config.js';
import { DEFAULT_DOMAIN_FILE, levelOrder, loadCreditDomain } from './config.js';
import type { CreditContext, NotStatedWhy } from './context.js';
import { CONTEXT_SCHEMA } from './context.js';
import type { AttributeEvidence } from './evidence.js';
import { attributeEvidence } from './evidence.js';
import { topFactors } from './factors.js';
import type { Escalation } from './guard.js';
import { basisOf, decidingProxy, escalationFor } from './guard.js';
import type { HintRequest, HintResult } from './hints.js';
import { findHints } from './hints.js';
import type { CreditModel } from './model.js';
import { isRefused, openCreditModel } from './model.js';
import { principalReasons, rankAdverse } from './reasons.js';
import { otherValues, reasonAlternatives, scoreVariants, type Variant } from './variants.js';
import type { Reference } from './reference.js';
import { buildReference } from './reference.js';

export interface CaseInput {
  readonly creditCase: CreditCase;
  /** Named in error messages (a file name, or "row 17"). */
  readonly source: string;
}

export interface CreditAssessor {
  readonly config: CreditDomainConfig;
  readonly model: CreditModel;
  assess(creditCase: CreditCase, profile: string, source?: string): Promise<CreditContext>;
  assessBatch(inputs: readonly CaseInput[], profile: string): Promise<CreditContext[]>;
  close(): Promise<void>;
}

export async function openCreditAssessor(domainFile: string = DEFAULT_DOMAIN_FILE): Promise<CreditAssessor> {
  const domain = loadCreditDomain(domainFile);
  const model = await openCreditModel(domain);
  try {
    const reference = await buildReference(domain.config, model);
    const assessBatch = (inputs: readonly CaseInput[], profile: string) => assessCases(domain.config, model, reference, inputs, profile);
    return {
      config: domain.config,
      model,
      assessBatch,
      assess: async (creditCase, profile, source = 'case') => (await assessBatch([{ creditCase, source }], profile))[0],
      close: () => model.close(),
    };
  } catch (e) {
    await model.close();
    throw e;
  }
}

/**
 * For each case to check, the escalation if a configured proxy decides its refusal: every other value of each proxy
 * the model takes, re-scored in one run (decidingProxy).
 */
async function proxiesDeciding(config: CreditDomainConfig, model: CreditModel, inputs: readonly CaseInput[], check: readonly boolean[]): Promise<Map<number, Escalation>> {
  const proxies = model.pre.features.filter((f) => basisOf(config, f.name)?.kind === 'proxy');
  const variants: (Variant & { n: number })[] = [];
  inputs.forEach(({ creditCase, source }, n) => {
    if (!check[n]) return;
    for (const feature of proxies) {
      const value = creditCase.attributes[feature.name];
      if (value === undefined) continue;
      for (const other of otherValues(feature, value)) variants.push({ n, creditCase, source, attribute: feature.name, value: other });
    }
  });
  const scores = await scoreVariants(model, variants);
  const decided = new Map<number, Escalation>();
  variants.forEach((v, k) => {
    if (!decided.has(v.n) && !isRefused(scores[k], model.threshold)) decided.set(v.n, decidingProxy(config, v.attribute, v.value));
  });
  return decided;
}

/**
 * For each refused case, its adverse attributes (ranked) that counted against it: with only that attribute changed
 * to one of reasonAlternatives the model's risk is lower; at most `wanted`. Also the ones tried that did not count
 * (not stated; the officer report lists them). Tried a round at a time, each round the next attributes a case still
 * needs, all in one run: most cases need one round.
 */
async function adverseThatCounts(config: CreditDomainConfig, model: CreditModel, inputs: readonly CaseInput[], probabilities: Float32Array, ranked: readonly (readonly AttributeEvidence[])[], wanted: number): Promise<{ counted: AttributeEvidence[][]; notStated: { evidence: AttributeEvidence; why: NotStatedWhy }[][] }> {
  const counted = ranked.map((): AttributeEvidence[] => []);
  const notStated = ranked.map((): { evidence: AttributeEvidence; why: NotStatedWhy }[] => []);
  const tried = ranked.map(() => 0);
  for (;;) {
    const tests: { n: number; evidence: AttributeEvidence; variants: number }[] = [];
    const variants: Variant[] = [];
    ranked.forEach((list, n) => {
      const { creditCase, source } = inputs[n];
      for (let need = wanted - counted[n].length; need > 0 && tried[n] < list.length; need--) {
        const evidence = list[tried[n]++];
        const feature = model.pre.features.find((f) => f.name === evidence.attribute)!;
        const attribute = config.attributes[evidence.attribute];
        const values = reasonAlternatives(feature, evidence.value, evidence.statement.direction, levelOrder(attribute), attribute?.action?.direction);
        tests.push({ n, evidence, variants: values.length });
        for (const value of values) variants.push({ creditCase, source, attribute: evidence.attribute, value });
      }
    });
    if (tests.length === 0) return { counted, notStated };
    const scores = await scoreVariants(model, variants);
    let at = 0;
    for (const { n, evidence, variants: count } of tests) {
      if (scores.subarray(at, at + count).some((p) => p < probabilities[n])) counted[n].push(evidence);
      // No value to try: the applicant's is the best the lender ranks (a fact in their favour). Values to try, none
      // less risky: the model does not score what the lender ranks better as better (worth a model review).
      else notStated[n].push({ evidence, why: count === 0 ? 'best-ranked' : 'better-not-less-risky' });
      at += count;
    }
  }
}

async function assessCases(config: CreditDomainConfig, model: CreditModel, reference: Reference | null, inputs: readonly CaseInput[], profileId: string): Promise<CreditContext[]> {
  if (!Object.prototype.hasOwnProperty.call(config.profiles, profileId)) fail(`profile ${JSON.stringify(profileId)} is not configured; profiles: ${Object.keys(config.profiles).join(', ')}`);
  const profile = config.profiles[profileId];
  if (inputs.length === 0) return [];
  const { pre, threshold } = model;
  const width = pre.columns;
  const encoded = inputs.map((i) => encodeCase(pre, i.creditCase.attributes, i.source));
  const rows = new Float32Array(inputs.length * width);
  encoded.forEach((e, n) => rows.set(e, n * width));
  const probabilities = await model.score(rows, inputs.length);
  const explanation = await model.explain(rows, inputs.length);

  const refusedAt = inputs.map((_, n) => isRefused(probabilities[n], threshold));
  const evidenceOf = inputs.map((input, n) => attributeEvidence(config, pre, input.creditCase, encoded[n], explanation.relevance, n, reference));
  const adverse = await adverseThatCounts(config, model, inputs, probabilities, evidenceOf.map((e, n) => (refusedAt[n] ? rankAdverse(e) : [])), profile.max_reasons);
  const analyses = inputs.map((_, n) => {
    const refused = refusedAt[n];
    const reasons = principalReasons(adverse.counted[n], config);
    const escalation: Escalation | null = escalationFor(config, pre, reasons.map((r) => r.attribute)) ?? (refused && reasons.length === 0 ? noReasons : null);
    return { refused, evidence: evidenceOf[n], reasons, escalation };
  });
  const decided = await proxiesDeciding(config, model, inputs, analyses.map((a) => a.refused && a.escalation === null));
  decided.forEach((escalation, n) => (analyses[n].escalation = escalation));
  const refusedIndex = analyses.flatMap((a, n) => (a.refused ? [n] : []));
  const requests: HintRequest[] = refusedIndex.map((n) => ({ creditCase: inputs[n].creditCase, encoded: encoded[n], source: inputs[n].source }));
  const found = await findHints(config, model, requests);
  const hintsOf = new Map<number, HintResult>(refusedIndex.map((n, k) => [n, found[k]]));

  return inputs.map(({ creditCase }, n): CreditContext => {
    const { refused, evidence, reasons, escalation } = analyses[n];
    const conservation = explanation.conservation[n];
    return {
      schema: CONTEXT_SCHEMA,
      case: {
        id: creditCase.id ?? null,
        applicant: { name: creditCase.applicant?.name ?? null, address: creditCase.applicant?.address ?? null },
        date: creditCase.date ?? null,
        unused_attributes: unusedAttributes(creditCase, pre.features.map((f) => f.name)),
      },
      profile: { id: profileId, ...profile },
      lender: profile.lender ?? config.lender,
      model: {
        name: model.card.name,
        version: model.card.version,
        sha256: model.card.sha256,
        positive_class: config.model.refuse_class,
        training_data: model.card.training_data.name,
      },
      decision: {
        outcome: refused ? 'refused' : 'approved',
        probability: probabilities[n],
        threshold,
        rule: `refuse when the probability of ${config.model.refuse_class} is at or above ${threshold}`,
      },
      explanation: {
        method: 'lrp',
        composite: model.composite.name,
        params: model.composite.params,
        seed: config.explanation.seed,
        target: `logit of the probability of ${config.model.refuse_class}`,
        sign: `positive relevance raised the probability of ${config.model.refuse_class} (toward refusal); negative lowered it`,
        logit: conservation.seed,
        relevance_sum: conservation.sum,
        conservation_residual: conservation.residual,
        relevance_sha256: float32Sha256(explanation.relevance.subarray(n * width, (n + 1) * width)),
        input_sha256: float32Sha256(encoded[n]),
        reference: reference ? { method: reference.method, data: reference.data, count: reference.count } : null,
      },
      factors: topFactors(evidence, config),
      reasons,
      reasons_not_stated: adverse.notStated[n].map(({ evidence, why }) => ({ attribute: evidence.attribute, statement_code: evidence.statement.code, why })),
      hints: hintsOf.get(n) ?? { status: 'not-applicable', hints: [], searched: 0, disclaimer: config.hints.disclaimer },
      escalation,
      letter: letterStatus(refused, escalation),
    };
  });
}

/** A refusal the explanation gives no adverse attribute for cannot be given specific reasons: a human decides. */
const noReasons: Escalation = {
  code: 'no-adverse-reason',
  attributes: [],
  message: 'refused, but no attribute both has adverse relevance and, changed to a value the lender ranks no worse, would have lowered the risk: specific reasons cannot be stated; a human must review the decision',
};

function letterStatus(refused: boolean, escalation: Escalation | null): CreditContext['letter'] {
  if (escalation) return { status: 'blocked', why: `escalated for human review: ${escalation.message}` };
  if (!refused) return { status: 'not-applicable', why: 'approved: no adverse action, no letter' };
  return { status: 'ready', why: 'refused: adverse-action letter with the principal reasons' };
}
