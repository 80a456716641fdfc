/** How a batch splits its threads between case workers and render workers (src/batch/plan.ts). */
import { describe, expect, it } from 'vitest';
import { planThreads } from '../../src/batch/plan.js';

const split = (threads: number, share: number, formats: ('pdf' | 'html')[] = ['pdf', 'html']) => {
  const plan = planThreads(threads, share, formats);
  return { cases: plan.caseWorkers, render: plan.renderWorkers, servedBy: Array.from({ length: plan.caseWorkers }, (_, i) => plan.renderWorkerOf(i)) };
};

describe('batch thread plan', () => {
  it('gives the rendering share of the threads to render workers, round-robin over the case workers', () => {
    expect(split(2, 0.45)).toEqual({ cases: 1, render: 1, servedBy: [0] });
    expect(split(3, 0.45)).toEqual({ cases: 2, render: 1, servedBy: [0, 0] });
    expect(split(4, 0.45)).toEqual({ cases: 2, render: 2, servedBy: [0, 1] });
    expect(split(8, 0.45)).toEqual({ cases: 4, render: 4, servedBy: [0, 1, 2, 3] });
  });

  it('keeps every thread on cases when rendering is a small share, there are no PDFs, or there is one thread', () => {
    expect(split(2, 0.1)).toEqual({ cases: 2, render: 0, servedBy: [undefined, undefined] });
    expect(split(4, 0.45, ['html'])).toEqual({ cases: 4, render: 0, servedBy: [undefined, undefined, undefined, undefined] });
    expect(split(1, 0.45)).toEqual({ cases: 1, render: 0, servedBy: [undefined] });
  });

  it('never has more render workers than case workers, whatever the share (each serves at least one)', () => {
    expect(split(2, 1)).toEqual({ cases: 1, render: 1, servedBy: [0] });
    expect(split(5, 0.99)).toEqual({ cases: 3, render: 2, servedBy: [0, 1, 0] });
  });
});
