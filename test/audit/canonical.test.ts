/** RFC 8785 examples, written from the RFC text: they are the independent reference. */
import { describe, expect, it } from 'vitest';
import { canonicalize, certainlyCanonical } from '../../src/audit/canonical.js';
import type { Random } from '../../src/util/random.js';
import { rng } from '../helpers/random.js';

const fromBits = (hex: string): number => Buffer.from(hex, 'hex').readDoubleBE(0);

describe('canonicalize (RFC 8785)', () => {
  it('§3.2.2 sample: whitespace, number and string forms, sorted members', () => {
    // The RFC's input text, parsed (a TypeScript literal would round 333333333.33333329 before JCS saw it).
    const input =
      '{\n  "numbers": [333333333.33333329, 1E30, 4.50,\n              2e-3, 0.000000000000000000000000001],\n' +
      '  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}';
    const expected = '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';
    expect(canonicalize(JSON.parse(input))).toBe(expected);
    // §3.2.4: the same result as UTF-8 bytes.
    const bytes = `7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
      75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
      5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
      65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
      5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
      30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d`.replace(/\s+/g, '');
    expect(Buffer.from(canonicalize(JSON.parse(input)), 'utf8').toString('hex')).toBe(bytes);
  });

  it('§3.2.3 sorting: UTF-16 code units, not code points (the emoji sorts before U+FB33)', () => {
    const input =
      '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", ' +
      '"\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}';
    const expected =
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
      '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}';
    expect(canonicalize(JSON.parse(input))).toBe(expected);
  });

  it('Appendix B: number serialization of IEEE 754 bit patterns', () => {
    const table: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, text] of table) expect(canonicalize([fromBits(bits)]), bits).toBe(`[${text}]`);
  });

  it('Appendix B: NaN and Infinity have no canonical form', () => {
    for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
      expect(() => canonicalize({ x: fromBits(bits) })).toThrow(/no JSON form/);
    }
  });

  it('nests, sorts at every level and keeps array order', () => {
    expect(canonicalize({ b: [{ z: 1, a: [3, 1] }], a: { d: true, c: null }, '': 'e' })).toBe('{"":"e","a":{"c":null,"d":true},"b":[{"a":[3,1],"z":1}]}');
    expect(canonicalize([])).toBe('[]');
    expect(canonicalize({})).toBe('{}');
    expect(canonicalize('x')).toBe('"x"');
  });

  it('refuses what is not I-JSON or would be silently changed', () => {
    expect(() => canonicalize({ a: undefined })).toThrow(/\$\.a: undefined/);
    expect(() => canonicalize([() => 1])).toThrow(/function is not JSON/);
    expect(() => canonicalize({ n: 10n })).toThrow(/bigint is not JSON/);
    expect(() => canonicalize({ d: new Date(0) })).toThrow(/not a plain object/);
    expect(() => canonicalize(JSON.parse('{"__proto__":{"x":1}}'))).toThrow(/__proto__/);
    expect(() => canonicalize({ s: 'a\ud800' })).toThrow(/lone surrogate/);
    expect(() => canonicalize({ ['\udc00']: 1 })).toThrow(/lone surrogate/);
    expect(() => canonicalize([1, , 3])).toThrow(/hole/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalize(cyclic)).toThrow(/cycle/);
  });

  it('accepts a shared (non-cyclic) sub-object twice', () => {
    const shared = { k: 1 };
    expect(canonicalize({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
  });
});

/** Random JSON with the awkward parts: index-like and non-ASCII keys, escapes, surrogates, number forms. */
function randomJson(random: Random, depth = 0): unknown {
  const kind = random.int(0, depth > 3 ? 3 : 5);
  if (kind === 0) return random.pick([0, -0, 1, -1.5, 1e21, 1e-7, 333333333.33333329, 2 ** 53, 5e-324, random.normal() * 1e6]);
  if (kind === 1) return random.pick(['', 'a', 'é€', '\ud83d\ude00', 'quote " and \\', 'tab\tnl\n', '\u0001', '\u2028', 'x'.repeat(random.int(0, 5))]);
  if (kind === 2) return random.pick([true, false, null]);
  if (kind === 3) return [];
  if (kind === 4) return Array.from({ length: random.int(0, 4) }, () => randomJson(random, depth + 1));
  const keys = ['a', 'b', 'B', '', '1', '10', '9', 'é', '\ud83d\ude00', '\ufb33', 'digest', 'record_id'];
  return Object.fromEntries(Array.from({ length: random.int(0, 5) }, () => [random.pick(keys), randomJson(random, depth + 1)]));
}

describe('certainlyCanonical (the fast check every log line goes through)', () => {
  it('never vouches for a text that canonicalize would not produce, over 3000 random and hand-picked texts', () => {
    const random = rng(8785);
    const texts: string[] = [
      '{"b":1,"a":2}', '{"a":1,"a":2}', '{ "a":1}', '{"a":1.0}', '{"a":1E2}', '{"a":-0}', '{"a":"\\u0041"}', '{"a":"\\ud800"}',
      '{"a":"\\uD800"}', '{"a":"\\ud83d\\ude00"}', '{"__proto__":1}', '{"10":1,"9":2}', '{"9":2,"10":1}', '{"a":1e999}', '["\\u001F"]',
    ];
    for (let i = 0; i < 1000; i++) {
      const value = randomJson(random);
      texts.push(canonicalize(value), JSON.stringify(value), JSON.stringify(value, null, random.int(0, 1)));
    }
    let vouched = 0;
    for (const text of texts) {
      const value = JSON.parse(text) as unknown;
      let canonical: string | null;
      try {
        canonical = canonicalize(value);
      } catch {
        canonical = null;
      }
      if (certainlyCanonical(text, value)) {
        vouched++;
        expect(canonical, text).toBe(text);
      }
    }
    // And it does settle most canonical texts by itself (else it would save nothing).
    expect(vouched).toBeGreaterThan(900);
  });

  it('settles a canonical audit-like line, and leaves index-like keys to canonicalize', () => {
    const line = canonicalize({ digest: 'f'.repeat(64), prev: '0'.repeat(64), record: { b: [1, { y: 'é', x: null }], a: 0.1 }, seq: 3, type: 'record' });
    expect(certainlyCanonical(line, JSON.parse(line))).toBe(true);
    const numeric = canonicalize({ '10': 1, '9': 2 });
    expect(numeric).toBe('{"10":1,"9":2}');
    expect(certainlyCanonical(numeric, JSON.parse(numeric))).toBe(false);
  });
});

