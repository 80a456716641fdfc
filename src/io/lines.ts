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

/** Bytes read at a time (a buffer grows past it only for a longer line). */
const CHUNK_BYTES = 1 << 22;

/**
 * Calls `visit` with each complete line (without its newline) and its 0-based index, in order, until it returns
 * false. The bytes are valid only during the call (the buffer is reused): copy what you keep. Returns the torn
 * tail when the whole file was read and it does not end with a newline, else null.
 */
export function forEachLine(file: string, what: string, visit: (bytes: Buffer, index: number) => boolean | void, chunkBytes = CHUNK_BYTES): TornTail | null {
  const io = <T>(act: () => T): T => {
    try {
      return act();
    } catch (e) {
      return fail(`cannot read ${what} ${file}: ${systemReason(e)}`);
    }
  };
  const fd = io(() => fs.openSync(file, 'r'));
  try {
    let buffer = Buffer.allocUnsafe(chunkBytes);
    // buffer[0, filled) holds bytes not yet handed out, starting at file offset `offset`.
    let filled = 0;
    let offset = 0;
    let index = 0;
    for (;;) {
      if (filled === buffer.length) buffer = Buffer.concat([buffer.subarray(0, filled)], buffer.length * 2);
      const read = io(() => fs.readSync(fd, buffer, filled, buffer.length - filled, null));
      if (read === 0) return filled > 0 ? { offset, bytes: filled } : null;
      const data = buffer.subarray(0, filled + read);
      let start = 0;
      for (let nl = data.indexOf(0x0a, filled); nl !== -1; nl = data.indexOf(0x0a, start)) {
        if (visit(data.subarray(start, nl), index++) === false) return null;
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
