/**
 * YAML parsed by the build (src/io/yaml.ts precompileYaml) against the YAML parser itself: the same value for every
 * YAML file of the project, and the parser for anything the build did not keep.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { packagePath } from '../../src/paths.js';
import { parsedYamlFile, parseYaml, precompileYaml, readYamlFile } from '../../src/io/yaml.js';
import { tempDir } from '../helpers/temp.js';

const projectYaml = ['domains', 'models', 'templates'].flatMap((folder) =>
  fs
    .readdirSync(packagePath(folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => packagePath(folder, f)),
);

describe('YAML parsed by the build', () => {
  it('holds every YAML file of the project, each equal to what the parser makes of it', () => {
    expect(projectYaml.length).toBeGreaterThan(20);
    for (const file of projectYaml) {
      const text = fs.readFileSync(file, 'utf8');
      expect(fs.existsSync(parsedYamlFile(text)), file).toBe(true);
      expect(readYamlFile(file, 'test file'), file).toStrictEqual(YAML.parse(text));
    }
  });

  it('is looked up by the text: a kept parse is what parseYaml returns', () => {
    const dir = tempDir('yaml-');
    fs.writeFileSync(parsedYamlFile('a: 1\n', dir), '{"kept":true}');
    expect(parseYaml('a: 1\n', 'x.yaml', dir)).toEqual({ kept: true });
    // Another text (an edit, a user's file) is parsed.
    expect(parseYaml('a: 2\n', 'x.yaml', dir)).toEqual({ a: 2 });
  });

  it('keeps only what JSON carries exactly; the rest, and damaged files, are parsed at run time', () => {
    const source = tempDir('yaml-src-');
    const dir = tempDir('yaml-out-');
    const texts = { 'plain.yaml': 'name: x\nlist: [1, 2.5, "3"]\nnested: {a: null, b: true}\n', 'inf.yaml': 'limit: .inf\n', 'zero.yml': 'offset: -0.0\n', 'bad.yaml': 'a: [1, 2\n' };
    for (const [name, text] of Object.entries(texts)) fs.writeFileSync(path.join(source, name), text);
    fs.writeFileSync(path.join(dir, `${'0'.repeat(64)}.json`), '{}'); // left by an earlier build
    expect(precompileYaml([source], dir)).toBe(1);
    expect(fs.readdirSync(dir)).toEqual([path.basename(parsedYamlFile(texts['plain.yaml'], dir))]);
    expect(parseYaml(texts['inf.yaml'], 'inf.yaml', dir)).toEqual({ limit: Infinity });
    expect(Object.is((parseYaml(texts['zero.yml'], 'zero.yml', dir) as { offset: number }).offset, -0)).toBe(true);
    expect(() => parseYaml(texts['bad.yaml'], 'bad.yaml', dir)).toThrow(UserError);
    expect(() => parseYaml(texts['bad.yaml'], 'bad.yaml', dir)).toThrow(/^bad\.yaml: not valid YAML \(/);
    fs.writeFileSync(parsedYamlFile(texts['plain.yaml'], dir), '{"name": "x", "li');
    expect(parseYaml(texts['plain.yaml'], 'plain.yaml', dir)).toStrictEqual(YAML.parse(texts['plain.yaml']));
  });
});
