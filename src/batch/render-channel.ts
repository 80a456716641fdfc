/**
 * Documents rendered in another thread, over a MessagePort: the case worker's side (`rendererOver`, a
 * DocumentRenderer like the in-thread one) and the render worker's side (`serveRendering`). Jobs carry an id; the PDF
 * comes back as a transferred buffer (no copy). A rendering error comes back as the same kind of error (a UserError
 * stays one, so the case fails with the same message as when rendered in its own thread).
 */
import type { MessagePort } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { DocumentRenderer, MarkupJob } from '../report/render.js';

interface RenderJob {
  readonly id: number;
  readonly job: MarkupJob;
}

type RenderReply =
  | { readonly id: number; readonly html?: string; readonly pdf?: Uint8Array }
  | { readonly id: number; readonly error: string; readonly userError: boolean };

/** Renders through a port; `pending` counts the jobs sent and not yet answered. */
export interface RemoteRenderer {
  readonly render: DocumentRenderer;
  pending(): number;
}

/** A renderer that sends each job through `port` to a render worker. If the port closes, what is pending fails. */
export function rendererOver(port: MessagePort): RemoteRenderer {
  const pending = new Map<number, { resolve: (rendered: Awaited<ReturnType<DocumentRenderer>>) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let closed = false;
  port.on('message', (reply: RenderReply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if ('error' in reply) waiting.reject(reply.userError ? new UserError(reply.error) : new Error(reply.error));
    else waiting.resolve({ html: reply.html, pdf: reply.pdf && Buffer.from(reply.pdf.buffer, reply.pdf.byteOffset, reply.pdf.byteLength) });
  });
  port.on('close', () => {
    closed = true;
    for (const { reject } of pending.values()) reject(new Error('the render worker stopped'));
    pending.clear();
  });
  const render: DocumentRenderer = (job) =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new Error('the render worker stopped'));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      port.postMessage({ id, job } satisfies RenderJob);
    });
  return { render, pending: () => pending.size };
}

/**
 * Sends a job to the render worker while fewer than `backlog` wait there, else renders it here once `mayRenderHere`
 * says so. A case's documents can be a larger share of its work than the thread plan assumed (a loan officer's
 * report with its chart beside each letter): the case worker then renders the overflow instead of waiting for the
 * render worker. But its first document here costs it as much as hundreds later (loading pdfkit and the fonts,
 * compiling the rendering code), so it begins only when the wait has cost as much (held-back.ts).
 */
export function overflowingRenderer(remote: RemoteRenderer, here: DocumentRenderer, backlog: number, mayRenderHere: () => boolean): DocumentRenderer {
  return (job) => (remote.pending() < backlog || !mayRenderHere() ? remote.render(job) : here(job));
}

/** Renders every job that arrives on `port` with `render` and replies on it. */
export function serveRendering(port: MessagePort, render: DocumentRenderer): void {
  port.on('message', ({ id, job }: RenderJob) => {
    render(job).then(
      ({ html, pdf }) => {
        if (!pdf) return port.postMessage({ id, html } satisfies RenderReply);
        // The PDF's own memory, whole, to transfer: a Buffer may be a view into a shared pool.
        const own = pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength && pdf.buffer instanceof ArrayBuffer ? pdf.buffer : new Uint8Array(pdf).buffer;
        port.postMessage({ id, html, pdf: new Uint8Array(own) } satisfies RenderReply, [own]);
      },
      (e: unknown) => port.postMessage({ id, error: e instanceof Error ? e.message : String(e), userError: e instanceof UserError } satisfies RenderReply),
    );
  });
}
