/**
 * Render one document of a domain: template (per locale words) → markup → document model → HTML and/or PDF.
 * Both outputs come from the same parsed document.
 */
import { parseReportDocument } from './document.js';
import type { ReportDocument } from './document.js';
import { parsedFontsFor } from './fonts.js';
import type { Assets } from './assets.js';
import type { ReportFormat } from './formats.js';
import { renderHtml } from './html.js';
import { renderPdf, type PdfAttachment } from './pdf.js';
import { formatMessage, loadMessages, loadTemplate } from './templates.js';

export interface RenderRequest {
  readonly domain: string;
  /** Template name under templates/<domain>/. */
  readonly template: string;
  readonly locale: string;
  readonly context: object;
  readonly assets: Assets;
  readonly formats: readonly ReportFormat[];
  /** The decision time: written into the PDF so the same case renders to the same bytes. */
  readonly date: Date;
  readonly attachments?: readonly PdfAttachment[];
}

export interface RenderedDocument {
  readonly document: ReportDocument;
  readonly html?: string;
  readonly pdf?: Buffer;
}

export async function renderReport(request: RenderRequest): Promise<RenderedDocument> {
  const source = `templates/${request.domain}/${request.template}.hbs`;
  const document = parseReportDocument(loadTemplate(request.domain, request.template, request.locale)(request.context), source);
  const html = request.formats.includes('html') ? renderHtml(document, request.assets) : undefined;
  const pdf = request.formats.includes('pdf')
    ? await renderPdf(document, request.assets, {
        fonts: parsedFontsFor(request.locale),
        date: request.date,
        attachments: request.attachments,
        pageLabel: formatMessage(loadMessages(request.domain, request.locale), 'page_label', { page: '{page}', pages: '{pages}' }),
      })
    : undefined;
  return { document, html, pdf };
}
