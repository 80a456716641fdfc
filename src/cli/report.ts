/** `lrp-report report`: one case of a domain → its documents (PDF and/or HTML) in a folder. */
import fs from 'node:fs';
import { fail } from '../errors.js';
import { reportCase } from '../domain/run.js';
import { openLogWriter, otherRecord, secondRendering, unvouchedMessage } from '../audit/log.js';
import type { AuditRecord } from '../audit/record.js';
import { outputFolder, parse, parseFormats, required } from './args.js';
import { auditTarget, EARLIER_KEY_OPTION } from './audit-options.js';
import { domainOptions } from './domain-options.js';

export const usage = `lrp-report report --domain dermatology|credit --case CASE.yaml --out DIR [--format pdf,html] [--locale en|zh-CN]
    [--profile us|eu] [--documents NAME,…] [--json] [--audit LOG --audit-key KEY.pem [--audit-earlier-key PUB.pem …]]     (exit 0: reported; 3: escalated for human review, no customer document)`;

/** Exit code of a case escalated for human review: not an error, but not a finished case either. */
export const EXIT_ESCALATED = 3;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    domain: { type: 'string' },
    case: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    locale: { type: 'string' },
    profile: { type: 'string' },
    documents: { type: 'string' },
    json: { type: 'boolean' },
    audit: { type: 'string' },
    'audit-key': { type: 'string' },
    ...EARLIER_KEY_OPTION,
  }, 'report');
  const domainName = required(values.domain, 'domain', 'report');
  const caseFile = required(values.case, 'case', 'report');
  const outDir = outputFolder(values.out, 'report');
  const formats = parseFormats(values.format);
  const { plugin, locale, documents } = await domainOptions(domainName, values.locale, values.profile, values.documents);
  const audit = auditTarget(values.audit, values['audit-key'], values['audit-earlier-key']);
  const session = await plugin.open({ profile: values.profile, documents, locales: [locale] });
  try {
    // The log is read before anything is written: a decision it records with other documents writes nothing.
    const log = audit ? openLogWriter(audit.log, { trust: audit.trust }) : null;
    let recorded = false;
    const admit = (record: AuditRecord) => {
      if (!log) return;
      if (log.has(record.record_id)) {
        if (!log.hasRendering(record.record_id, record.rendered)) fail(secondRendering(audit!.log, record.record_id));
        if (!log.vouchFor(record)) fail(otherRecord(audit!.log, record.record_id));
        recorded = true;
      }
      // A log this run cannot sign writes nothing (see LogWriter.vouchFor): refused before the files are written.
      const [left] = log.unvouched();
      if (left) fail(unvouchedMessage(audit!.log, left.seq, left.recordId));
    };
    const { outcome, files, record } = await reportCase(session, { file: caseFile }, { domain: domainName, outDir, formats, locale, admit });
    for (const note of outcome.notes) process.stderr.write(`lrp-report: ${outcome.caseId}: ${note}\n`);
    if (recorded) process.stderr.write(`lrp-report: ${outcome.caseId}: this decision is already in ${audit!.log} (record ${record.record_id}); not recorded twice\n`);
    // The files exist before their record does: a record never points at documents that were not written. A record
    // already in the log that a crash left unsigned is signed now that this run made it again.
    if (log) {
      try {
        log.append(recorded ? [] : [record], { key: audit!.key });
      } catch (e) {
        // Documents without their record would go out unaudited: none is left behind (the documents of a decision
        // recorded already are that record's, and stay).
        if (!recorded) for (const f of files) fs.rmSync(f, { force: true });
        throw e;
      }
      if (!recorded) process.stderr.write(`lrp-report: ${outcome.caseId}: recorded in ${audit!.log} as ${record.record_id}\n`);
    }
    // Nothing on stdout would read as a silent failure.
    if (files.length === 0 && outcome.status !== 'escalated') process.stderr.write(`lrp-report: ${outcome.caseId}: no document: ${documents ? `none of ${documents.join(', ')} applies to this case` : 'the domain renders none for this case'}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify({ status: outcome.status, files, record_id: record.record_id, ...outcome.summary }, null, 2)}\n`);
    else for (const f of files) process.stdout.write(`${f}\n`);
    return outcome.status === 'escalated' ? EXIT_ESCALATED : 0;
  } finally {
    await session.close();
  }
}
