/** Batch progress: a bar with rate and ETA redrawn in place on a terminal, a plain line now and then otherwise. */
export interface Progress {
  update(done: number, failed: number): void;
  finish(done: number, failed: number): void;
}

export function createProgress(total: number, alreadyDone: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const start = Date.now();
  let lastPlain = 0;
  const line = (done: number, failed: number) => {
    const seconds = (Date.now() - start) / 1000;
    const rate = seconds > 0 ? (done - alreadyDone) / seconds : 0;
    const eta = rate > 0 ? (total - done) / rate : NaN;
    const width = 24;
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    return `${bar} ${done}/${total}${failed ? ` (${failed} failed)` : ''} ${rate.toFixed(1)}/s ETA ${Number.isFinite(eta) ? clock(eta) : '--'}`;
  };
  return {
    update(done, failed) {
      if (stream.isTTY) stream.write(`\r${line(done, failed)}\x1b[K`);
      else if (Date.now() - lastPlain > 5000 && done < total) {
        lastPlain = Date.now();
        stream.write(`batch: ${line(done, failed)}\n`);
      }
    },
    finish(done, failed) {
      stream.write(`${stream.isTTY ? '\r' : 'batch: '}${line(done, failed)}${stream.isTTY ? '\x1b[K' : ''}\n`);
    },
  };
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
