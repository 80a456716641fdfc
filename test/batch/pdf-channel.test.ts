/**
 * PDFs rendered on the other side of a MessagePort (src/batch/pdf-channel.ts), as a batch's PDF worker renders
 * them: the same bytes as rendered in the thread itself, errors of the same kind and message, and requests still
 * pending when the port closes fail instead of hanging.
 */
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { overflowingPdfRenderer, pdfRendererOver, servePdfs } from '../../src/batch/pdf-channel.js';
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
  return pdfRendererOver(channel.port1).render;
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
    const remote = pdfRendererOver(channel.port1).render;
    channel.port2.on('message', () => channel.port2.close());
    await expect(remote(request('x'))).rejects.toThrow('the PDF worker stopped');
    await expect(remote(request('y'))).rejects.toThrow('the PDF worker stopped');
  });

  it('overflow: past the backlog a request is rendered here, once the PDF worker has warmed up; then there again when it catches up', async () => {
    const channel = new MessageChannel();
    channels.push(channel);
    // A PDF worker that answers only when told to.
    const held: (() => void)[] = [];
    servePdfs(channel.port2, (r) => new Promise<Buffer>((resolve) => held.push(() => resolve(Buffer.from(`there:${r.document.title}`)))));
    const remote = pdfRendererOver(channel.port1);
    const render = overflowingPdfRenderer(remote, (r) => Promise.resolve(Buffer.from(`here:${r.document.title}`)), 2);
    const answerAll = async (count: number) => {
      while (held.length < count) await new Promise((done) => setTimeout(done, 5));
      held.splice(0).forEach((answer) => answer());
    };
    const texts = async (pdfs: Promise<Buffer>[]) => (await Promise.all(pdfs)).map(String);
    // Warming up: everything goes to the PDF worker, however many wait there.
    const warming = ['a', 'b', 'c'].map((t) => render(request(t)));
    expect(remote.pending()).toBe(3);
    await answerAll(3);
    expect(await texts(warming)).toEqual(['there:a', 'there:b', 'there:c']);
    // Warm, two waiting: the next is rendered here.
    const waiting = [render(request('d')), render(request('e'))];
    expect(remote.pending()).toBe(2);
    expect((await render(request('f'))).toString()).toBe('here:f');
    await answerAll(2);
    expect(await texts(waiting)).toEqual(['there:d', 'there:e']);
    const after = render(request('g'));
    await answerAll(1);
    expect((await after).toString()).toBe('there:g');
  });
});
