/**
 * Render one document of a domain: template (per locale words) → markup → document model → HTML and/or PDF.
 * Both outputs come from the same parsed document. The PDF step is a function of plain data (PdfRequest), so a
 * caller may have it done in another thread (a batch's PDF workers, src/batch/pdf-channel.ts).
 */
import { parseReportDocument } from './document.js';
import type { ReportDocument } from './document.js';
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
  /** Who renders the PDF (default: this thread). */
  readonly pdf?: PdfRenderer;
}

/** Everything a PDF is made from; plain data (structured-cloneable), so another thread can render it. */
export interface PdfRequest {
  readonly document: ReportDocument;
  readonly assets: Assets;
  /** Chooses the fonts (templates/fonts.yaml). */
  readonly locale: string;
  readonly date: Date;
  readonly attachments?: readonly PdfAttachment[];
  /** The footer's page label, `{page}` and `{pages}` to be filled in. */
  readonly pageLabel: string;
}

export type PdfRenderer = (request: PdfRequest) => Promise<Buffer>;

/**
 * Renders the PDF in this thread. pdfkit, fontkit and the fonts are loaded on first use: a thread that has its PDFs
 * rendered elsewhere never loads them.
 */
export const renderPdfHere: PdfRenderer = async ({ document, assets, locale, date, attachments, pageLabel }) => {
  const [{ renderPdf }, { parsedFontsFor }] = await Promise.all([import('./pdf.js'), import('./fonts.js')]);
  return renderPdf(document, assets, { fonts: parsedFontsFor(locale), date, attachments, pageLabel });
};

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
    ? await (request.pdf ?? renderPdfHere)({
        document,
        assets: request.assets,
        locale: request.locale,
        date: request.date,
        attachments: request.attachments,
        pageLabel: formatMessage(loadMessages(request.domain, request.locale), 'page_label', { page: '{page}', pages: '{pages}' }),
      })
    : undefined;
  return { document, html, pdf };
}
