/** Atomic writes: the whole file or nothing, never a temp file left, and a one-line error naming the file. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { writeFileAtomic } from '../../src/io/atomic.js';
import { tempDir } from '../helpers/temp.js';

describe('writeFileAtomic', () => {
  it('writes and replaces a file whole, creating its folder, leaving no temp file', () => {
    const dir = tempDir('atomic-');
    const file = path.join(dir, 'a', 'b', 'letter.pdf');
    writeFileAtomic(file, 'first');
    writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    expect([...fs.readFileSync(file)]).toEqual([1, 2, 3]);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['letter.pdf']);
  });

  it('under a file instead of a folder: a UserError naming the file and the cause, nothing written', () => {
    const dir = tempDir('atomic-');
    fs.writeFileSync(path.join(dir, 'afile'), 'keep');
    const target = path.join(dir, 'afile', 'letter.pdf');
    let error: unknown;
    try {
      writeFileAtomic(target, 'x');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/^cannot write .*afile\/letter\.pdf: [a-z ]+ \((ENOTDIR|EEXIST)\)$/);
    expect(fs.readFileSync(path.join(dir, 'afile'), 'utf8')).toBe('keep');
    expect(fs.readdirSync(dir)).toEqual(['afile']);
  });
});
