/** forEachLine against String.split on the same bytes, with chunks small enough that lines straddle them. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forEachLine } from '../../src/io/lines.js';
import { rng } from '../helpers/random.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('lrp-lines-');

function linesOf(file: string, chunkBytes: number): { lines: string[]; torn: ReturnType<typeof forEachLine> } {
  const lines: string[] = [];
  const torn = forEachLine(file, 'test file', (bytes, at) => {
    expect(at.index).toBe(lines.length);
    lines.push(bytes.toString('utf8'));
  }, { chunkBytes });
  return { lines, torn };
}

describe('forEachLine', () => {
  it('hands out every line whole across chunk boundaries, including lines longer than a chunk', () => {
    const random = rng(7);
    const text = Array.from({ length: 300 }, (_, i) => `${i}:${'é€x'.repeat(random.int(0, 40))}`).join('\n') + '\n';
    const file = path.join(dir, 'lines.txt');
    fs.writeFileSync(file, text);
    const expected = text.split('\n').slice(0, -1);
    for (const chunk of [1, 7, 64, 1000, 1 << 20]) {
      const { lines, torn } = linesOf(file, chunk);
      expect(lines, `chunk ${chunk}`).toEqual(expected);
      expect(torn).toBeNull();
    }
  });

  it('reports bytes after the last newline as a torn tail with its offset, and empty lines as lines', () => {
    const file = path.join(dir, 'torn.txt');
    fs.writeFileSync(file, 'a\n\nbc\ndef');
    for (const chunk of [2, 3, 100]) {
      const { lines, torn } = linesOf(file, chunk);
      expect(lines).toEqual(['a', '', 'bc']);
      expect(torn).toEqual({ offset: 6, bytes: 3 });
    }
    fs.writeFileSync(file, '');
    expect(linesOf(file, 4)).toEqual({ lines: [], torn: null });
  });

  it('gives each line its byte offset, and starts at a position it gave', () => {
    const file = path.join(dir, 'offsets.txt');
    const text = 'ab\n€\n\nlast line\n';
    fs.writeFileSync(file, text);
    const bytes = Buffer.from(text);
    const seen: { offset: number; index: number; line: string }[] = [];
    forEachLine(file, 'test file', (line, at) => void seen.push({ ...at, line: line.toString() }), { chunkBytes: 2 });
    expect(seen.map((s) => s.line)).toEqual(['ab', '€', '', 'last line']);
    for (const s of seen) expect(bytes.subarray(s.offset, s.offset + Buffer.byteLength(s.line)).toString()).toBe(s.line);
    const rest: string[] = [];
    forEachLine(file, 'test file', (line, at) => void rest.push(`${at.index}:${line.toString()}`), { from: seen[1], chunkBytes: 3 });
    expect(rest).toEqual(['1:€', '2:', '3:last line']);
  });

  it('stops when the visitor returns false', () => {
    const file = path.join(dir, 'stop.txt');
    fs.writeFileSync(file, 'a\nb\nc\nd');
    const seen: string[] = [];
    expect(forEachLine(file, 'test file', (bytes) => (seen.push(bytes.toString()), seen.length < 2), { chunkBytes: 3 })).toBeNull();
    expect(seen).toEqual(['a', 'b']);
  });

  it('a missing file is a one-line error naming it and what it was for', () => {
    expect(() => forEachLine(path.join(dir, 'nope.log'), 'audit log', () => {})).toThrow(/^cannot read audit log .*nope\.log: /);
  });
});
