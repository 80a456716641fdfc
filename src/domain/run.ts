/**
 * One case through a domain, rendered and written: assess → decision record → render every document in every
 * format (in memory; each PDF carries the decision record as an attachment, so a letter is verifiable on its
 * own) → the complete audit record with the documents' digests → write each file atomically. Nothing is
 * written unless every document rendered; the caller appends the record to the audit log after the files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { completeRecord, decisionRecord, decisionRecordBytes } from '../audit/build.js';
import { sha256Hex } from '../audit/hash.js';
import type { AuditRecord } from '../audit/record.js';
import { writeFileAtomic } from '../io/atomic.js';
import { packagePath } from '../paths.js';
import type { ReportFormat } from '../report/formats.js';
import { renderReport, type DocumentRenderer } from '../report/render.js';
import type { CaseRef, DomainOutcome, DomainSession } from './plugin.js';

export interface CaseReportOptions {
  readonly domain: string;
  readonly outDir: string;
  readonly formats: readonly ReportFormat[];
  readonly locale: string;
  /** Called with the complete record before any file is written: throwing writes nothing. */
  readonly admit?: (record: AuditRecord) => void;
  /** Who turns the documents' markup into HTML and PDF (default: this thread; a batch worker may hand them to a render worker). */
  readonly renderer?: DocumentRenderer;
}

export interface CaseReport {
  readonly outcome: DomainOutcome;
  /** Written files, in order. */
  readonly files: readonly string[];
  readonly record: AuditRecord;
}

export const RECORD_ATTACHMENT = 'lrp-report-decision-record.json';

export async function reportCase(session: DomainSession, ref: CaseRef, options: CaseReportOptions): Promise<CaseReport> {
  const outcome = await session.assessCase(ref);
  const decision = decisionRecord(outcome.audit);
  const attachment = {
    name: RECORD_ATTACHMENT,
    mime: 'application/json',
    description: 'lrp-report decision record (RFC 8785 JSON): the audit log record of this decision without the digests of its rendered documents',
    data: decisionRecordBytes(decision),
  };
  const outputs: { file: string; data: string | Uint8Array; name: string; format: ReportFormat }[] = [];
  for (const doc of outcome.documents) {
    const rendered = await renderReport({ domain: options.domain, template: doc.template, locale: options.locale, context: doc.context, assets: doc.assets, formats: options.formats, date: outcome.decisionTime, attachments: [attachment], renderer: options.renderer });
    const base = path.join(options.outDir, `${outcome.caseId}.${doc.name}${options.locale === 'en' ? '' : `.${options.locale}`}`);
    if (rendered.pdf) outputs.push({ file: `${base}.pdf`, data: rendered.pdf, name: doc.name, format: 'pdf' });
    if (rendered.html) outputs.push({ file: `${base}.html`, data: rendered.html, name: doc.name, format: 'html' });
  }
  const record = completeRecord(decision, {
    template_version: templateVersion(options.domain, outcome.documents.map((d) => d.template), options.locale),
    documents: outputs.map((o) => ({ name: o.name, format: o.format, locale: options.locale, sha256: sha256Hex(typeof o.data === 'string' ? Buffer.from(o.data, 'utf8') : o.data) })),
  });
  options.admit?.(record);
  for (const o of outputs) writeFileAtomic(o.file, o.data);
  return { outcome, files: outputs.map((o) => o.file), record };
}

const templateVersions = new Map<string, string>();

/** Which words and layout produced the documents: a digest of the templates and the locale file used (read once per process, like the templates). */
function templateVersion(domain: string, templates: readonly string[], locale: string): string {
  const key = `${domain}/${locale}/${[...new Set(templates)].sort().join(',')}`;
  let version = templateVersions.get(key);
  if (!version) templateVersions.set(key, (version = templateDigest(domain, templates, locale)));
  return version;
}

function templateDigest(domain: string, templates: readonly string[], locale: string): string {
  const files = [...new Set(templates)].sort().map((t) => packagePath('templates', domain, `${t}.hbs`));
  files.push(packagePath('templates', domain, 'locales', `${locale}.yaml`));
  return `${domain}/${locale}@${sha256Hex(Buffer.concat(files.map((f) => fs.readFileSync(f)))).slice(0, 16)}`;
}
