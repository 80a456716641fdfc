/** The process-wide font caches must not change a byte of what fontkit would produce without them. */
import fs from 'node:fs';
import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { fontsFor, parsedFontsFor } from '../../src/report/fonts.js';

describe('font caches', () => {
  it('a subset with the same glyphs in the same order encodes to the bytes fontkit gives; another order is another subset', () => {
    const cached = parsedFontsFor('en').regular;
    const plain = fontkit.create(fs.readFileSync(fontsFor('en').regular.file));
    const glyphsOf = (font: fontkit.Font, text: string) => font.layout(text).glyphs.map((g) => g.id);
    const encodeRaw = (font: fontkit.Font, ids: readonly number[]) => {
      const subset = font.createSubset();
      for (const id of ids) subset.includeGlyph(id);
      return subset.encode();
    };
    const encode = (font: fontkit.Font, ids: readonly number[]) => Buffer.from(encodeRaw(font, ids));
    const ids = glyphsOf(plain, 'Refused: Ä → 12.6 % (fi)');
    const first = encode(cached, ids);
    // Encoded once: the second subset with these glyphs gets the very same bytes, not a second encoding.
    expect(encodeRaw(cached, ids)).toBe(encodeRaw(cached, ids));
    expect(encodeRaw(plain, ids)).not.toBe(encodeRaw(plain, ids));
    expect(first).toEqual(encode(plain, ids));
    const reversed = [...ids].reverse();
    expect(encode(cached, reversed)).toEqual(encode(plain, reversed));
    expect(encode(cached, reversed)).not.toEqual(first);
  });
});
