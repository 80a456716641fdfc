/**
 * The credit domain: an applicant case file → the adverse-action letter (refused, letter ready; US Regulation B
 * or EU GDPR Art. 22 by the profile's jurisdiction) and the loan officer's report (always). An approved
 * applicant gets no letter; an escalated case gets no letter, only the officer report stating why, and the
 * status `escalated` (CLI exit 3).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DomainDocument, DomainOutcome, DomainPlugin, DomainSession, DomainSessionOptions } from '../../src/domain/plugin.js';
import { fail } from '../../src/errors.js';
import { packagePath } from '../../src/paths.js';
import type { Messages } from '../../src/report/templates.js';
import { availableLocales, loadMessages } from '../../src/report/templates.js';
import { openCreditAssessor } from './assess.js';
import type { CreditCase } from './case.js';
import { readCreditCase } from './case.js';
import { factorChartPng } from './chart.js';
import { DEFAULT_DOMAIN_FILE } from './config.js';
import { checkLetter, dateView, letterView, officerView } from './documents.js';

export const DOMAIN = 'credit';
export const PROFILES = ['us', 'eu'] as const;
export const DEFAULT_PROFILE = 'us';
export const OFFICER_TEMPLATE = 'officer-report';
export const letterTemplate = (jurisdiction: string) => `adverse-action-letter-${jurisdiction}`;

export interface CreditSessionOptions extends DomainSessionOptions {
  /** Another domain YAML (a second model, a test variant); default domains/credit/domain.yaml. */
  readonly domainFile?: string;
  /** The date of a case without one (default: today, UTC). */
  readonly today?: () => Date;
}

/** Case ids name the output files: letters, digits, . _ - and no leading dot. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function caseIdOf(creditCase: CreditCase, file: string): string {
  if (creditCase.id !== undefined) {
    if (!SAFE_ID.test(creditCase.id)) fail(`${file}: id: ${JSON.stringify(creditCase.id.slice(0, 40))} must be 1–100 letters, digits, ".", "_" or "-" (it names the output files)`);
    return creditCase.id;
  }
  const base = path.basename(file, path.extname(file));
  if (!SAFE_ID.test(base)) fail(`${file}: the case has no id and its file name cannot name the output files; add an id (letters, digits, . _ -)`);
  return base;
}

export async function openCreditSession(options: CreditSessionOptions = {}): Promise<DomainSession> {
  const profile = options.profile ?? DEFAULT_PROFILE;
  const assessor = await openCreditAssessor(options.domainFile ?? DEFAULT_DOMAIN_FILE);
  try {
    if (!Object.prototype.hasOwnProperty.call(assessor.config.profiles, profile)) {
      fail(`--profile: "${profile}" is not configured for credit (profiles: ${Object.keys(assessor.config.profiles).join(', ')})`);
    }
    const jurisdiction = assessor.config.profiles[profile].jurisdiction.toLowerCase();
    if (!fs.existsSync(packagePath('templates', DOMAIN, `${letterTemplate(jurisdiction)}.hbs`))) {
      fail(`profiles.${profile}.jurisdiction: no letter template ${DOMAIN}/${letterTemplate(jurisdiction)}.hbs (letters: us, eu)`);
    }
    // The words of every locale a letter can be rendered in: checked before any letter is produced.
    const words = new Map<string, Messages>(availableLocales(DOMAIN).map((l) => [l, loadMessages(DOMAIN, l)]));
    const today = options.today ?? (() => new Date());
    return {
      async assessCaseFile(file: string): Promise<DomainOutcome> {
        const creditCase = readCreditCase(file);
        const caseId = caseIdOf(creditCase, file);
        const datedToday = creditCase.date === undefined;
        const iso = creditCase.date ?? today().toISOString().slice(0, 10);
        const context = await assessor.assess(creditCase, profile, file);
        const date = dateView(iso);
        const documents: DomainDocument[] = [];
        if (context.letter.status === 'ready') {
          const letter = letterView(context, caseId, date);
          checkLetter(letter, words, file);
          documents.push({ name: 'adverse-action-letter', template: letterTemplate(jurisdiction), context: letter, assets: {} });
        }
        const chart = await factorChartPng(context.factors.map((f) => ({ rank: f.rank, relevance: f.relevance })));
        documents.push({ name: OFFICER_TEMPLATE, template: OFFICER_TEMPLATE, context: officerView(context, caseId, date, datedToday), assets: { factors: chart } });
        const notes = [
          ...(context.escalation ? [`escalated for human review (${context.escalation.code}): ${context.escalation.message}`] : []),
          ...(datedToday ? [`the case has no date: documents dated ${iso} (add date: for reproducible documents)`] : []),
        ];
        return {
          caseId,
          // The case's date, at midnight UTC: the same case renders to the same bytes.
          decisionTime: new Date(`${iso}T00:00:00Z`),
          status: context.escalation ? 'escalated' : 'reported',
          notes,
          summary: context,
          documents,
        };
      },
      close: () => assessor.close(),
    };
  } catch (e) {
    await assessor.close();
    throw e;
  }
}

export const plugin: DomainPlugin = {
  name: DOMAIN,
  profiles: PROFILES,
  open: (options: DomainSessionOptions) => openCreditSession(options),
};
