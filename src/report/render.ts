/**
 * Render one document of a domain: template (per locale words) → markup → document model → HTML and/or PDF.
 * Both outputs come from the same parsed document. Everything after the template is a function of plain data (a
 * MarkupJob), so a caller may have it done in another thread (a batch's render workers, src/batch/render-channel.ts).
 */
import { parseReportDocument } from './document.js';
import type { Assets } from './assets.js';
import type { ReportFormat } from './formats.js';
import { renderHtml } from './html.js';
import type { PdfAttachment } from './pdf.js';
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
  /** Who turns the markup into HTML and PDF (default: this thread). */
  readonly renderer?: DocumentRenderer;
}

/** A document's markup and everything its HTML and PDF are made from; plain data (structured-cloneable). */
export interface MarkupJob {
  readonly markup: string;
  /** The template, named in errors about its markup. */
  readonly source: string;
  readonly assets: Assets;
  readonly formats: readonly ReportFormat[];
  /** Chooses the PDF's fonts (templates/fonts.yaml). */
  readonly locale: string;
  readonly date: Date;
  readonly attachments?: readonly PdfAttachment[];
  /** The PDF footer's page label, `{page}` and `{pages}` to be filled in. */
  readonly pageLabel: string;
}

export interface RenderedDocument {
  readonly html?: string;
  readonly pdf?: Buffer;
}

export type DocumentRenderer = (job: MarkupJob) => Promise<RenderedDocument>;

let pdfModules: Promise<[typeof import('./pdf.js'), typeof import('./fonts.js')]> | undefined;

/**
 * Renders in this thread. pdfkit, fontkit and the fonts are loaded on the first PDF: a thread that has its documents
 * rendered elsewhere never loads them.
 */
export const renderHere: DocumentRenderer = async ({ markup, source, assets, formats, locale, date, attachments, pageLabel }) => {
  const document = parseReportDocument(markup, source);
  const html = formats.includes('html') ? renderHtml(document, assets) : undefined;
  if (!formats.includes('pdf')) return { html };
  const [{ renderPdf }, { parsedFontsFor }] = await (pdfModules ??= Promise.all([import('./pdf.js'), import('./fonts.js')]));
  return { html, pdf: await renderPdf(document, assets, { fonts: parsedFontsFor(locale), date, attachments, pageLabel }) };
};

export async function renderReport(request: RenderRequest): Promise<RenderedDocument> {
  return (request.renderer ?? renderHere)({
    markup: loadTemplate(request.domain, request.template, request.locale)(request.context),
    source: `templates/${request.domain}/${request.template}.hbs`,
    assets: request.assets,
    formats: request.formats,
    locale: request.locale,
    date: request.date,
    attachments: request.attachments,
    pageLabel: request.formats.includes('pdf') ? formatMessage(loadMessages(request.domain, request.locale), 'page_label', { page: '{page}', pages: '{pages}' }) : '',
  });
}
