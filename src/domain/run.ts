/**
 * One case through a domain, rendered and written: assess → render every document in every format (in memory)
 * → write each file atomically. Nothing is written unless every document rendered.
 */
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import type { ReportFormat } from '../report/render.js';
import { renderReport } from '../report/render.js';
import type { CaseRef, DomainOutcome, DomainSession } from './plugin.js';

export interface CaseReportOptions {
  readonly domain: string;
  readonly outDir: string;
  readonly formats: readonly ReportFormat[];
  readonly locale: string;
}

export interface CaseReport {
  readonly outcome: DomainOutcome;
  /** Written files, in order. */
  readonly files: readonly string[];
}

export async function reportCase(session: DomainSession, ref: CaseRef, options: CaseReportOptions): Promise<CaseReport> {
  const outcome = await session.assessCase(ref);
  const outputs: { file: string; data: string | Uint8Array }[] = [];
  for (const doc of outcome.documents) {
    const rendered = await renderReport({ domain: options.domain, template: doc.template, locale: options.locale, context: doc.context, assets: doc.assets, formats: options.formats, date: outcome.decisionTime });
    const base = path.join(options.outDir, `${outcome.caseId}.${doc.name}${options.locale === 'en' ? '' : `.${options.locale}`}`);
    if (rendered.pdf) outputs.push({ file: `${base}.pdf`, data: rendered.pdf });
    if (rendered.html) outputs.push({ file: `${base}.html`, data: rendered.html });
  }
  for (const o of outputs) writeFileAtomic(o.file, o.data);
  return { outcome, files: outputs.map((o) => o.file) };
}
