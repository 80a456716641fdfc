/**
 * PDFs rendered in another thread, over a MessagePort: the case worker's side (`pdfRendererOver`, a PdfRenderer
 * like the in-thread one) and the PDF worker's side (`servePdfs`). Requests carry an id; the PDF comes back as a
 * transferred buffer (no copy). A rendering error comes back as the same kind of error (a UserError stays one, so
 * the case fails with the same message as when rendered in its own thread).
 */
import type { MessagePort } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { PdfRenderer, PdfRequest } from '../report/render.js';

interface PdfJob {
  readonly id: number;
  readonly request: PdfRequest;
}

type PdfReply = { readonly id: number; readonly pdf: Uint8Array } | { readonly id: number; readonly error: string; readonly userError: boolean };

/** Renders through a port; `pending` counts the requests sent and not yet answered, `answered` those answered. */
export interface RemotePdfRenderer {
  readonly render: PdfRenderer;
  pending(): number;
  answered(): number;
}

/** A renderer that sends each request through `port` to a PDF worker. If the port closes, what is pending fails. */
export function pdfRendererOver(port: MessagePort): RemotePdfRenderer {
  const pending = new Map<number, { resolve: (pdf: Buffer) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let answered = 0;
  let closed = false;
  port.on('message', (reply: PdfReply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    answered++;
    if ('pdf' in reply) waiting.resolve(Buffer.from(reply.pdf.buffer, reply.pdf.byteOffset, reply.pdf.byteLength));
    else waiting.reject(reply.userError ? new UserError(reply.error) : new Error(reply.error));
  });
  port.on('close', () => {
    closed = true;
    for (const { reject } of pending.values()) reject(new Error('the PDF worker stopped'));
    pending.clear();
  });
  const render: PdfRenderer = (request) =>
    new Promise<Buffer>((resolve, reject) => {
      if (closed) return reject(new Error('the PDF worker stopped'));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      port.postMessage({ id, request } satisfies PdfJob);
    });
  return { render, pending: () => pending.size, answered: () => answered };
}

/**
 * Sends a request to the PDF worker while fewer than `backlog` wait there, else renders it here. A case's PDFs can
 * be a larger share of its work than the thread plan assumed (a loan officer's report with its chart beside each
 * letter): the case worker then renders the overflow instead of waiting for the PDF worker. Not before the PDF
 * worker has answered `backlog` requests: until then it is warming up (loading, compiling), and rendering here would
 * only make this thread load and compile the same code as well.
 */
export function overflowingPdfRenderer(remote: RemotePdfRenderer, here: PdfRenderer, backlog: number): PdfRenderer {
  return (request) => (remote.pending() < backlog || remote.answered() < backlog ? remote.render(request) : here(request));
}

/** Renders every request that arrives on `port` with `render` and replies on it. */
export function servePdfs(port: MessagePort, render: PdfRenderer): void {
  port.on('message', ({ id, request }: PdfJob) => {
    render(request).then(
      (pdf) => {
        // The PDF's own memory, whole, to transfer: a Buffer may be a view into a shared pool.
        const own = pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength && pdf.buffer instanceof ArrayBuffer ? pdf.buffer : new Uint8Array(pdf).buffer;
        port.postMessage({ id, pdf: new Uint8Array(own) } satisfies PdfReply, [own]);
      },
      (e: unknown) => port.postMessage({ id, error: e instanceof Error ? e.message : String(e), userError: e instanceof UserError } satisfies PdfReply),
    );
  });
}
