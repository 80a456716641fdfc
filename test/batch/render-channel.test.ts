/**
 * Documents rendered on the other side of a MessagePort (src/batch/render-channel.ts), as a batch's render worker
 * renders them: the same HTML and PDF bytes as rendered in the thread itself, errors of the same kind and message,
 * jobs still pending when the port closes fail instead of hanging, the overflow rule, and the clock that
 * allows overflow.
 */
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { heldBackClock, isHeldBack } from '../../src/batch/held-back.js';
import { overflowingRenderer, rendererOver, serveRendering } from '../../src/batch/render-channel.js';
import { UserError } from '../../src/errors.js';
import { renderHere, type DocumentRenderer, type MarkupJob } from '../../src/report/render.js';

const job = (title: string, formats: MarkupJob['formats'] = ['pdf', 'html']): MarkupJob => ({
  markup: `<article lang="en" title="${title}"><h1>${title}</h1><p>Dear applicant, <strong>€ 1,250</strong> over 24 months.</p></article>`,
  source: 'templates/test/letter.hbs',
  assets: {},
  formats,
  locale: 'en',
  date: new Date('2026-11-20T00:00:00Z'),
  attachments: [{ name: 'record.json', mime: 'application/json', description: 'a record', data: new TextEncoder().encode('{"a":1}') }],
  pageLabel: 'Page {page} of {pages}',
});

const channels: MessageChannel[] = [];
function over(render: DocumentRenderer): DocumentRenderer {
  const channel = new MessageChannel();
  channels.push(channel);
  serveRendering(channel.port2, render);
  return rendererOver(channel.port1).render;
}
afterEach(() => {
  for (const c of channels.splice(0)) c.port1.close();
});

describe('documents rendered over a port', () => {
  it('come back byte for byte as rendered in this thread, HTML and PDF, each to its own job', async () => {
    const remote = over(renderHere);
    const [a, b] = await Promise.all([remote(job('First')), remote(job('Second'))]);
    const [hereA, hereB] = [await renderHere(job('First')), await renderHere(job('Second'))];
    expect(Buffer.compare(a.pdf!, hereA.pdf!)).toBe(0);
    expect(Buffer.compare(b.pdf!, hereB.pdf!)).toBe(0);
    expect(a.html).toBe(hereA.html);
    expect(b.html).toBe(hereB.html);
    expect(a.html).toContain('First');
    expect(Buffer.compare(a.pdf!, b.pdf!)).not.toBe(0);
    // Only what was asked for.
    expect(await remote(job('Plain', ['html']))).toEqual({ html: (await renderHere(job('Plain', ['html']))).html, pdf: undefined });
  });

  it('fail as they failed there: a user error stays one, with its message (bad markup names its template); others are internal', async () => {
    const remote = over(renderHere);
    const bad = { ...job('x'), markup: '<section>no article</section>' };
    const here = await renderHere(bad).catch((e: unknown) => e);
    expect(here).toBeInstanceOf(UserError);
    await expect(remote(bad)).rejects.toSatisfy((e: unknown) => e instanceof UserError && e.message === (here as Error).message && e.message.startsWith('templates/test/letter.hbs'));
    const internal = over(() => Promise.reject(new TypeError('x is not a function')));
    await expect(internal(job('x'))).rejects.toSatisfy((e: unknown) => !(e instanceof UserError) && e instanceof Error && e.message === 'x is not a function');
  });

  it('fail, not hang, when the render worker goes away with jobs pending or before one is sent', async () => {
    const channel = new MessageChannel();
    const remote = rendererOver(channel.port1).render;
    channel.port2.on('message', () => channel.port2.close());
    await expect(remote(job('x'))).rejects.toThrow('the render worker stopped');
    await expect(remote(job('y'))).rejects.toThrow('the render worker stopped');
  });

  it('overflow: past the backlog a job is rendered here, once rendering here is allowed; then there again when the render worker catches up', async () => {
    const channel = new MessageChannel();
    channels.push(channel);
    // A render worker that answers only when told to.
    const held: (() => void)[] = [];
    const titleOf = (j: MarkupJob) => /title="([^"]*)"/.exec(j.markup)![1];
    serveRendering(channel.port2, (j) => new Promise((resolve) => held.push(() => resolve({ html: `there:${titleOf(j)}` }))));
    const remote = rendererOver(channel.port1);
    let allowed = false;
    const render = overflowingRenderer(remote, (j) => Promise.resolve({ html: `here:${titleOf(j)}` }), 2, () => allowed);
    const answerAll = async (count: number) => {
      while (held.length < count) await new Promise((done) => setTimeout(done, 5));
      held.splice(0).forEach((answer) => answer());
    };
    const texts = async (rendered: Promise<{ html?: string }>[]) => (await Promise.all(rendered)).map((r) => r.html);
    // Not allowed yet: everything goes to the render worker, however many wait there.
    const first = ['a', 'b', 'c'].map((t) => render(job(t)));
    expect(remote.pending()).toBe(3);
    await answerAll(3);
    expect(await texts(first)).toEqual(['there:a', 'there:b', 'there:c']);
    // Allowed, but below the backlog: there.
    allowed = true;
    const waiting = [render(job('d')), render(job('e'))];
    expect(remote.pending()).toBe(2);
    // Allowed and two waiting: the next is rendered here.
    expect((await render(job('f'))).html).toBe('here:f');
    await answerAll(2);
    expect(await texts(waiting)).toEqual(['there:d', 'there:e']);
    const after = render(job('g'));
    await answerAll(1);
    expect((await after).html).toBe('there:g');
  });
});

describe('the held-back clock', () => {
  it('counts idle time only while held back, the current stretch included', () => {
    let idle = 0;
    const clock = heldBackClock(() => idle);
    idle = 100; // idle, not held back: not counted
    clock.set(true);
    idle = 130;
    expect(clock.total()).toBe(30);
    clock.set(true); // still held back: the stretch goes on from 100
    idle = 150;
    clock.set(false);
    idle = 400;
    expect(clock.total()).toBe(50);
    clock.set(false);
    clock.set(true);
    idle = 420;
    expect(clock.total()).toBe(70);
  });

  it('holds a worker back only when cases wait, every slot is taken and none is being assessed', () => {
    const full = { running: 16, limit: 16, queued: 1, assessing: 0 };
    expect(isHeldBack(full)).toBe(true);
    expect(isHeldBack({ ...full, running: 15 })).toBe(false);
    expect(isHeldBack({ ...full, queued: 0 })).toBe(false);
    expect(isHeldBack({ ...full, assessing: 1 })).toBe(false);
  });

  it('reads the event loop idle time of the thread by default', async () => {
    const clock = heldBackClock();
    const start = performance.now();
    clock.set(true);
    await new Promise((done) => setTimeout(done, 60));
    const busyUntil = performance.now() + 60;
    while (performance.now() < busyUntil);
    clock.set(false);
    // The wait for the timer (60 ms or more) counts; the 60 ms busy do not.
    expect(clock.total()).toBeGreaterThan(40);
    expect(clock.total()).toBeLessThan(performance.now() - start - 55);
  });
});
