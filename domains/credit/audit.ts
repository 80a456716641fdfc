/** The audit record's view of a credit decision: digests, reasons and re-scored hints; no names or addresses. */
import type { DecisionFacts } from '../../src/audit/build.js';
import type { CreditContext } from './context.js';

export function creditAuditFacts(context: CreditContext, caseId: string, decisionTime: Date): DecisionFacts {
  const { decision, explanation } = context;
  return {
    domain: 'credit',
    profile: context.profile.id,
    case_id: caseId,
    decision_time: decisionTime.toISOString(),
    status: context.escalation ? 'escalated' : 'reported',
    model: { name: context.model.name, version: context.model.version, sha256: context.model.sha256, threshold: decision.threshold },
    input_sha256: explanation.input_sha256,
    output: { decision: decision.outcome, class: context.model.positive_class, probability: decision.probability, logit: explanation.logit },
    explanation: {
      method: 'lrp',
      composite: explanation.composite,
      // The composite's parameters are numbers or lists of numbers; the record's schema checks it.
      parameters: explanation.params as Readonly<Record<string, number | readonly number[]>>,
      seed: explanation.seed,
      target: 0,
      conservation_residual: explanation.conservation_residual,
      relevance_sha256: explanation.relevance_sha256,
      top: context.factors.map((f) => ({ name: f.attribute, relevance: f.relevance })),
    },
    domain_result: {
      reasons: context.reasons.map((r) => ({ rank: r.rank, attribute: r.attribute, statement_code: r.statement_code, relevance: r.relevance, adverse_relevance: r.adverse_relevance })),
      hints: {
        status: context.hints.status,
        searched: context.hints.searched,
        items: context.hints.hints.map((h) => ({ changes: h.changes.map((c) => ({ attribute: c.attribute, from: c.from, to: c.to })), cost: h.cost, probability: h.probability })),
      },
    },
    escalations: context.escalation ? [{ code: context.escalation.code, detail: context.escalation.message }] : [],
  };
}

