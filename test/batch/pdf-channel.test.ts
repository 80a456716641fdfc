/**
 * PDFs rendered on the other side of a MessagePort (src/batch/pdf-channel.ts), as a batch's PDF worker renders
 * them: the same bytes as rendered in the thread itself, errors of the same kind and message, and requests still
 * pending when the port closes fail instead of hanging.
 */
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { pdfRendererOver, servePdfs } from '../../src/batch/pdf-channel.js';
import { UserError } from '../../src/errors.js';
import { parseReportDocument } from '../../src/report/document.js';
import { renderPdfHere, type PdfRenderer, type PdfRequest } from '../../src/report/render.js';

const request = (title: string): PdfRequest => ({
  document: parseReportDocument(`<article lang="en" title="${title}"><h1>${title}</h1><p>Dear applicant, <strong>€ 1,250</strong> over 24 months.</p></article>`, 'test'),
  assets: {},
  locale: 'en',
  date: new Date('2026-11-20T00:00:00Z'),
  attachments: [{ name: 'record.json', mime: 'application/json', description: 'a record', data: new TextEncoder().encode('{"a":1}') }],
  pageLabel: 'Page {page} of {pages}',
});

const channels: MessageChannel[] = [];
function over(render: PdfRenderer): PdfRenderer {
  const channel = new MessageChannel();
  channels.push(channel);
  servePdfs(channel.port2, render);
  return pdfRendererOver(channel.port1);
}
afterEach(() => {
  for (const c of channels.splice(0)) c.port1.close();
});

describe('PDFs over a port', () => {
  it('come back byte for byte as rendered in this thread, each to its own request', async () => {
    const remote = over(renderPdfHere);
    const [a, b] = await Promise.all([remote(request('First')), remote(request('Second'))]);
    expect(Buffer.compare(a, await renderPdfHere(request('First')))).toBe(0);
    expect(Buffer.compare(b, await renderPdfHere(request('Second')))).toBe(0);
    expect(Buffer.compare(a, b)).not.toBe(0);
  });

  it('fail as they failed there: a user error stays one, with its message; others are internal', async () => {
    const userError = over(() => Promise.reject(new UserError('templates/credit/x.hbs: no such figure')));
    await expect(userError(request('x'))).rejects.toSatisfy((e: unknown) => e instanceof UserError && e.message === 'templates/credit/x.hbs: no such figure');
    const internal = over(() => Promise.reject(new TypeError('x is not a function')));
    await expect(internal(request('x'))).rejects.toSatisfy((e: unknown) => !(e instanceof UserError) && e instanceof Error && e.message === 'x is not a function');
  });

  it('fail, not hang, when the PDF worker goes away with requests pending or before one is sent', async () => {
    const channel = new MessageChannel();
    const remote = pdfRendererOver(channel.port1);
    channel.port2.on('message', () => channel.port2.close());
    await expect(remote(request('x'))).rejects.toThrow('the PDF worker stopped');
    await expect(remote(request('y'))).rejects.toThrow('the PDF worker stopped');
  });
});
