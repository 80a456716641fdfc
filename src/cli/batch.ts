/** `lrp-report batch`: a folder of cases or a CSV loan book → reports, audit records and a summary CSV. */
import { runBatch } from '../batch/run.js';
import { outputFolder, parse, parseFormats, positiveInt, required } from './args.js';
import { auditTarget, EARLIER_KEY_OPTION } from './audit-options.js';
import { domainOptions } from './domain-options.js';

export const usage = `lrp-report batch --domain credit|dermatology --cases FILE.csv|DIR --out DIR [--audit LOG --audit-key KEY.pem [--audit-earlier-key PUB.pem …]]
    [--workers N] [--format pdf,html] [--locale en|zh-CN] [--profile us|eu]
    [--documents NAME,…]   (exit 0: all reported; 4: some cases failed)`;

export const details = `  --cases      a folder of case files (.yaml, .yml, .json; run in name order), or a CSV loan book (credit): a
               header row, then one applicant per row, columns named as the model card's attributes
               (models/credit/card.yaml), optional id, date (YYYY-MM-DD: the decision date; without it, today),
               applicant_name and applicant_address; an empty cell is a missing value
  --out        the documents, summary.csv, and the journal that lets the same command finish an interrupted batch
  --audit      append every decision's record to this log, signed with --audit-key at the end and every
               --checkpoint-every records (default 100); make a key with: lrp-report audit keygen
  --audit-earlier-key  the public key of a signing key since rotated, when the log's last checkpoint is signed
               with it (a log is extended only from a checkpoint that verifies)
  --workers    worker threads (default 2); with PDFs, credit gives half of them to rendering documents for the others
  --documents  which documents (default all), e.g. adverse-action-letter`;

/** Finished, but some cases failed: they are in the summary with their error. */
export const EXIT_SOME_FAILED = 4;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    domain: { type: 'string' },
    cases: { type: 'string' },
    out: { type: 'string' },
    audit: { type: 'string' },
    'audit-key': { type: 'string' },
    ...EARLIER_KEY_OPTION,
    workers: { type: 'string' },
    format: { type: 'string' },
    locale: { type: 'string' },
    profile: { type: 'string' },
    documents: { type: 'string' },
    'checkpoint-every': { type: 'string' },
  }, 'batch');
  const domain = required(values.domain, 'domain', 'batch');
  const { locale, documents } = await domainOptions(domain, values.locale, values.profile, values.documents);
  const audit = auditTarget(values.audit, values['audit-key'], values['audit-earlier-key']);
  const summary = await runBatch({
    domain,
    profile: values.profile,
    documents,
    cases: required(values.cases, 'cases', 'batch'),
    outDir: outputFolder(values.out, 'batch'),
    locale,
    formats: parseFormats(values.format),
    workers: positiveInt(values.workers, 'workers', 2),
    audit: audit && { ...audit, checkpointEvery: positiveInt(values['checkpoint-every'], 'checkpoint-every', 100) },
  });
  process.stdout.write(`${summary.total} cases: ${summary.reported} reported, ${summary.escalated} escalated, ${summary.failed} failed${summary.resumed ? ` (${summary.resumed} finished by an earlier run)` : ''}; summary: ${summary.summaryFile}\n`);
  return summary.failed > 0 ? EXIT_SOME_FAILED : 0;
}
