/**
 * A file's "\n"-terminated lines, read in chunks: files of any length (fs.readFileSync stops at 2 GiB) in memory
 * bounded by the longest line. An audit log grows by every decision for years; its readers must not.
 */
import fs from 'node:fs';
import { fail, systemReason } from '../errors.js';

/** Bytes after the last newline: a line torn by a crash mid-write. */
export interface TornTail {
  readonly offset: number;
  readonly bytes: number;
}

/**
 * The longest line read (64 MiB): a file's lines are far shorter (an audit record is a few KB), and a reader must
 * not take all memory for one line that is not one.
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Where a line starts: its byte offset and 0-based index. */
export interface LinePosition {
  readonly offset: number;
  readonly index: number;
}

export interface LineOptions {
  /** Start at this line (a position an earlier pass handed out) instead of the first. */
  readonly from?: LinePosition;
  /** Bytes read at a time (a buffer grows past it only for a longer line). */
  readonly chunkBytes?: number;
}

/**
 * Calls `visit` with each complete line (without its newline) and where it starts, in order, until it returns
 * false. The bytes are valid only during the call (the buffer is reused): copy what you keep. Returns the torn
 * tail when the whole file was read and it does not end with a newline, else null.
 */
export function forEachLine(file: string, what: string, visit: (bytes: Buffer, at: LinePosition) => boolean | void, options: LineOptions = {}): TornTail | null {
  const io = <T>(act: () => T): T => {
    try {
      return act();
    } catch (e) {
      return fail(`cannot read ${what} ${file}: ${systemReason(e)}`);
    }
  };
  const fd = io(() => fs.openSync(file, 'r'));
  try {
    let buffer = Buffer.allocUnsafe(Math.max(1, options.chunkBytes ?? 1 << 22));
    // buffer[0, filled) holds bytes not yet handed out, starting at file offset `offset`.
    let filled = 0;
    let offset = options.from?.offset ?? 0;
    let index = options.from?.index ?? 0;
    for (;;) {
      if (filled === buffer.length) {
        if (filled >= MAX_LINE_BYTES) fail(`${file}: line ${index + 1} is longer than ${MAX_LINE_BYTES / 2 ** 20} MiB (no ${what} has lines that long)`);
        buffer = Buffer.concat([buffer.subarray(0, filled)], Math.min(buffer.length * 2, MAX_LINE_BYTES));
      }
      const read = io(() => fs.readSync(fd, buffer, filled, buffer.length - filled, offset + filled));
      if (read === 0) return filled > 0 ? { offset, bytes: filled } : null;
      const data = buffer.subarray(0, filled + read);
      let start = 0;
      for (let nl = data.indexOf(0x0a, filled); nl !== -1; nl = data.indexOf(0x0a, start)) {
        if (visit(data.subarray(start, nl), { offset: offset + start, index: index++ }) === false) return null;
        start = nl + 1;
      }
      buffer.copy(buffer, 0, start, data.length);
      offset += start;
      filled = data.length - start;
    }
  } finally {
    fs.closeSync(fd);
  }
}
