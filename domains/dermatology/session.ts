/** A dermatology session: a case file → the clinician case report. */
import type { DomainSession } from '../../src/domain/plugin.js';
import { fail } from '../../src/errors.js';
import { assessLesion, openLesionModel, type LesionModel } from './assess.js';
import { loadDermatologyCase } from './case.js';
import { loadDermatologyConfig } from './config.js';
import { CASE_REPORT } from './plugin.js';

export async function openDermatologySession(): Promise<DomainSession> {
  // Models are compiled once per card and reused for every case that names that card.
  const models = new Map<string, Promise<LesionModel>>();
  const modelFor = (card: string) => {
    let model = models.get(card);
    if (!model) models.set(card, (model = openLesionModel(card)));
    return model;
  };
  return {
    async assessCase({ file, row }) {
      if (row !== undefined) fail(`${file}: a dermatology case is a YAML or JSON file, not a CSV row`);
      const c = loadDermatologyCase(file);
      const { context, assets, audit } = await assessLesion(c, await modelFor(c.modelCard));
      const notes = [
        ...(context.caution.shown ? [`caution: ${context.caution.flags.join(', ')} (risk band suppressed)`] : []),
        ...(context.relevance?.shortcut_share === 'magnitude' ? [`warning: only ${(context.relevance.inside_share * 100).toFixed(context.relevance.shortcut_digits)} % of the relevance lies on the lesion`] : []),
        ...(context.relevance?.shortcut_share === 'positive' ? [`warning: the model flags the lesion, but only ${(context.relevance.inside_positive_share * 100).toFixed(context.relevance.shortcut_digits)} % of the relevance raising its score lies on it`] : []),
      ];
      return {
        caseId: c.caseId,
        decisionTime: c.decisionTime,
        status: 'reported',
        notes,
        summary: context,
        documents: [{ name: CASE_REPORT, template: loadDermatologyConfig().report.template, context, assets }],
        audit,
      };
    },
    async close() {
      for (const model of models.values()) await (await model.catch(() => null))?.explainer.close();
    },
  };
}
