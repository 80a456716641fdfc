/** The batch progress display: a bar redrawn in place on a terminal, occasional plain lines otherwise. */
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/batch/progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream };
}

describe('batch progress', () => {
  it('redraws one line in place with a bar, counts, failures, rate and ETA on a terminal', () => {
    const { writes, stream } = fakeStream(true);
    const p = createProgress(100, 20, stream);
    p.update(50, 2);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\r\[#{12}\.{12}\] 50\/100 \(2 failed\) \d+\.\d\/s ETA (\d+s|\d+m\d\ds|--)\x1b\[K$/);
    p.finish(100, 2);
    expect(writes[1]).toMatch(/^\r\[#{24}\] 100\/100 \(2 failed\) .*\n$/);
  });

  it('writes plain lines, not every update, when the output is not a terminal', () => {
    const { writes, stream } = fakeStream(false);
    const p = createProgress(10, 0, stream);
    p.update(1, 0);
    p.update(2, 0);
    p.update(3, 0);
    // The first update prints; the next ones within five seconds do not.
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^batch: \[#{2}\.{22}\] 1\/10 .*\n$/);
    expect(writes[0]).not.toContain('\r');
    p.finish(10, 0);
    expect(writes[1]).toMatch(/^batch: \[#{24}\] 10\/10 .*\n$/);
  });
});
