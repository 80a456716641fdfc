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
    expect(writes[0]).toMatch(/^\r\[#{12}\.{12}\] 50\/100 \(2 failed\) (\d+\.\d|--)\/s ETA (\d+s|\d+m\d\ds|--)\x1b\[K$/);
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

describe('batch rate and ETA', () => {
  it('say nothing from the first cases, then follow the recent rate, not the start-up', () => {
    const { writes, stream } = fakeStream(true);
    let clock = 0;
    const p = createProgress(5000, 0, stream, () => clock);
    // The first case arrives after 1.6 s of worker start-up: no rate and no ETA yet (it used to say 1h22m).
    clock = 1600;
    p.update(1, 0);
    expect(writes.at(-1)).toMatch(/ 1\/5000 --\/s ETA --/);
    // Then 200 cases a second for 20 s.
    for (let t = 1; t <= 200; t++) {
      clock = 1600 + t * 100;
      p.update(1 + t * 20, 0);
    }
    // 4001 done, 999 left at 200/s: 5 s.
    expect(writes.at(-1)).toMatch(/ 4001\/5000 200\.0\/s ETA 5s/);
    // A slow-down shows within the window: 50 cases a second for 10 s.
    for (let t = 1; t <= 100; t++) {
      clock = 21_600 + t * 100;
      p.update(4001 + t * 5, 0);
    }
    expect(writes.at(-1)).toMatch(/ 4501\/5000 50\.0\/s ETA 10s/);
    // The summary line gives the whole run's rate, start-up included: 5000 cases in 40 s.
    clock = 40_000;
    p.finish(5000, 0);
    expect(writes.at(-1)).toMatch(/ 5000\/5000 125\.0\/s ETA 0s/);
  });
});
