/** Duplicate keys, which JSON.parse drops silently, against hand-written texts. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { duplicateKey, readJsonFile } from '../../src/io/json.js';
import { tempDir } from '../helpers/temp.js';

describe('duplicateKey', () => {
  it('finds a key twice in one object at any depth, after unescaping', () => {
    expect(duplicateKey('{"a":1,"a":2}')).toBe('a');
    expect(duplicateKey('{"x":{"b":[1,{"c":1,"d":{},"c":2}]}}')).toBe('c');
    expect(duplicateKey('{"a":1,"\\u0061":2}')).toBe('a');
    expect(duplicateKey('[{"k":1},{"k":{"k":2,"j":3,"k":4}}]')).toBe('k');
  });

  it('does not confuse values, sibling objects, arrays or string contents with keys', () => {
    expect(duplicateKey('{"a":"a","b":{"a":1},"c":[{"a":1},{"a":2}]}')).toBeNull();
    expect(duplicateKey('{"s":"{\\"a\\":1,\\"a\\":2}","t":"\\\\","u":["a","a"]}')).toBeNull();
    expect(duplicateKey('{ "a" : 1 , "b" : { } , "c" : [ ] }')).toBeNull();
    expect(duplicateKey('"a"')).toBeNull();
    expect(duplicateKey('[]')).toBeNull();
  });

  it('readJsonFile refuses a duplicate key and text that is not JSON, one line naming the file', () => {
    const dir = tempDir('lrp-json-');
    const file = path.join(dir, 'proof.json');
    fs.writeFileSync(file, '{"leaf_index":1,"tree_size":2,"leaf_index":0}');
    expect(() => readJsonFile(file, 'proof')).toThrow(`${file}: the key "leaf_index" appears twice in one object (JSON readers differ on which one counts)`);
    fs.writeFileSync(file, '{"a":');
    expect(() => readJsonFile(file, 'proof', `--known ${file}`)).toThrow(`--known ${file}: not JSON`);
    fs.writeFileSync(file, '{"a":[1,2]}');
    expect(readJsonFile(file, 'proof')).toEqual({ a: [1, 2] });
  });
});
