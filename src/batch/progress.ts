/** Batch progress: a bar with rate and ETA redrawn in place on a terminal, a plain line now and then otherwise. */
export interface Progress {
  update(done: number, failed: number): void;
  finish(done: number, failed: number): void;
}

/** The rate and ETA follow the cases finished over the last RATE_WINDOW_MS (the workers' start-up is not a rate). */
const RATE_WINDOW_MS = 10_000;
/** Too few cases or too short a time to say when the batch will end: the ETA shows "--". */
const MIN_RATE_CASES = 3;
const MIN_RATE_MS = 1_000;

export function createProgress(total: number, alreadyDone: number, stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now): Progress {
  const start = now();
  let lastPlain = -Infinity;
  // (time, cases done) at each update within the window, oldest first.
  const samples: { readonly at: number; readonly done: number }[] = [];
  const recentRate = (at: number, done: number): number => {
    while (samples.length > 1 && at - samples[1].at >= RATE_WINDOW_MS) samples.shift();
    const first = samples[0];
    return first && done - first.done >= MIN_RATE_CASES && at - first.at >= MIN_RATE_MS ? ((done - first.done) * 1000) / (at - first.at) : NaN;
  };
  const line = (done: number, failed: number, rate: number) => {
    const eta = rate > 0 ? (total - done) / rate : NaN;
    const width = 24;
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    return `${bar} ${done}/${total}${failed ? ` (${failed} failed)` : ''} ${Number.isFinite(rate) ? rate.toFixed(1) : '--'}/s ETA ${Number.isFinite(eta) ? clock(eta) : '--'}`;
  };
  return {
    update(done, failed) {
      const at = now();
      const rate = recentRate(at, done);
      samples.push({ at, done });
      if (stream.isTTY) stream.write(`\r${line(done, failed, rate)}\x1b[K`);
      else if (at - lastPlain > 5000 && done < total) {
        lastPlain = at;
        stream.write(`batch: ${line(done, failed, rate)}\n`);
      }
    },
    finish(done, failed) {
      // The whole run's rate, start-up included: what the batch achieved.
      const seconds = (now() - start) / 1000;
      const rate = seconds > 0 ? (done - alreadyDone) / seconds : NaN;
      stream.write(`${stream.isTTY ? '\r' : 'batch: '}${line(done, failed, rate)}${stream.isTTY ? '\x1b[K' : ''}\n`);
    },
  };
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
