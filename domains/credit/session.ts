/**
 * A credit session: an applicant case file → the adverse-action letter (refused, letter ready; US Regulation B
 * or EU GDPR Art. 22 by the profile's jurisdiction) and the loan officer's report (always). An approved
 * applicant gets no letter; an escalated case gets no letter, only the officer report stating why, and the
 * status `escalated` (CLI exit 3).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CaseRef, DomainDocument, DomainOutcome, DomainSession, DomainSessionOptions } from '../../src/domain/plugin.js';
import { csvRecords } from '../../src/io/csv.js';
import { readUtf8File } from '../../src/io/read.js';
import { fail } from '../../src/errors.js';
import { packagePath } from '../../src/paths.js';
import type { Messages } from '../../src/report/templates.js';
import { availableLocales } from '../../src/report/locales.js';
import { loadMessages } from '../../src/report/templates.js';
import { openCreditAssessor } from './assess.js';
import type { CreditCase } from './case.js';
import { caseFromCsvRecord, readCreditCase } from './case.js';
import { creditAuditFacts } from './audit.js';
import { factorChart } from './chart.js';
import { DEFAULT_DOMAIN_FILE } from './config.js';
import { checkLetter, dateView, letterView, officerView } from './documents.js';
import { DEFAULT_PROFILE, DOMAIN, LETTER_DOCUMENT, OFFICER_TEMPLATE } from './plugin.js';

const letterTemplate = (jurisdiction: string) => `adverse-action-letter-${jurisdiction}`;

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

/** The id of a CSV row without one: the file's name and the row number. */
const rowCaseId = (file: string, row: number) => `${path.basename(file, path.extname(file))}-${String(row).padStart(4, '0')}`;

interface LoanBook {
  readonly records: readonly Record<string, string>[];
  /** The rows of each case id (an empty id cell: the row's own id). */
  readonly rowsById: ReadonlyMap<string, readonly number[]>;
}

function loanBook(file: string): LoanBook {
  const records = csvRecords(readUtf8File(file, 'credit cases'), file);
  const rowsById = new Map<string, number[]>();
  records.forEach((record, i) => {
    const id = record.id ? record.id : rowCaseId(file, i + 1);
    const rows = rowsById.get(id);
    if (rows) rows.push(i + 1);
    else rowsById.set(id, [i + 1]);
  });
  return { records, rowsById };
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
    // The words of every locale a letter will be rendered in: checked before any letter is produced.
    const words = new Map<string, Messages>((options.locales ?? availableLocales(DOMAIN)).map((l) => [l, loadMessages(DOMAIN, l)]));
    const today = options.today ?? (() => new Date());
    const wanted = (document: string) => options.documents?.includes(document) ?? true;
    // A loan book as one CSV: parsed once, one applicant per data row.
    const csvFiles = new Map<string, LoanBook>();
    const csvRowCase = (file: string, row: number) => {
      let book = csvFiles.get(file);
      if (!book) csvFiles.set(file, (book = loanBook(file)));
      const { records, rowsById } = book;
      const source = `${file} row ${row}`;
      if (!Number.isInteger(row) || row < 1 || row > records.length) fail(`${file}: no data row ${row} (it has ${records.length})`);
      const creditCase = caseFromCsvRecord(records[row - 1], source);
      const caseId = creditCase.id === undefined ? rowCaseId(file, row) : caseIdOf(creditCase, source);
      // Every row sharing an id fails alike, before anything is written: their files and records would collide.
      const others = (rowsById.get(caseId) ?? []).filter((r) => r !== row);
      if (others.length > 0) fail(`${source}: id ${caseId} is also the id of row ${others.join(', row ')}; each applicant needs an id of its own (it names the letter and the audit record)`);
      return { creditCase, caseId, source };
    };
    const fileCase = (file: string) => {
      const creditCase = readCreditCase(file);
      return { creditCase, caseId: caseIdOf(creditCase, file), source: file };
    };
    return {
      async assessCase({ file, row }: CaseRef): Promise<DomainOutcome> {
        const { creditCase, caseId, source } = row === undefined ? fileCase(file) : csvRowCase(file, row);
        const datedToday = creditCase.date === undefined;
        const iso = creditCase.date ?? today().toISOString().slice(0, 10);
        const context = await assessor.assess(creditCase, profile, source);
        const date = dateView(iso);
        const documents: DomainDocument[] = [];
        if (context.letter.status === 'ready' && wanted(LETTER_DOCUMENT)) {
          const letter = letterView(context, caseId, date);
          checkLetter(letter, words, source);
          documents.push({ name: LETTER_DOCUMENT, template: letterTemplate(jurisdiction), context: letter, assets: {} });
        }
        if (wanted(OFFICER_TEMPLATE)) {
          const chart = factorChart(context.factors.map((f) => ({ rank: f.rank, relevance: f.relevance })));
          documents.push({ name: OFFICER_TEMPLATE, template: OFFICER_TEMPLATE, context: officerView(context, caseId, date, datedToday, context.letter.status === 'ready' && wanted(LETTER_DOCUMENT)), assets: { factors: chart } });
        }
        // The case's date, at midnight UTC: the same case renders to the same bytes.
        const decisionTime = new Date(`${iso}T00:00:00Z`);
        const notes = [
          ...(context.escalation ? [`escalated for human review (${context.escalation.code}): ${context.escalation.message}`] : []),
          ...(datedToday ? [`the case has no date: documents dated ${iso} (add date: for reproducible documents)`] : []),
        ];
        return {
          caseId,
          decisionTime,
          status: context.escalation ? 'escalated' : 'reported',
          notes,
          summary: context,
          documents,
          audit: creditAuditFacts(context, caseId, decisionTime),
        };
      },
      close: () => assessor.close(),
    };
  } catch (e) {
    await assessor.close();
    throw e;
  }
}
