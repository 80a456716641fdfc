/**
 * The build's standalone validators (src/schemas/precompile.ts) against validators compiled here from the same
 * schemas: the same verdict and the same first error on the project's own documents and on random mutants of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describe as suite, expect, it } from 'vitest';
import { createAjv, loadValidator, precompiledFile, validateWith, validatorStamp } from '../../src/schemas/validate.js';
import { packagePath } from '../../src/paths.js';
import { seededRandom, type Random } from '../../src/util/random.js';
import { creditRecord, dermatologyRecord } from '../audit/fixtures.js';
import { tempDir } from '../helpers/temp.js';

const schemaFiles = fs.readdirSync(packagePath('schemas')).filter((f) => f.endsWith('.schema.json')).sort();
const yamlDocument = (...parts: string[]) => YAML.parse(fs.readFileSync(packagePath(...parts), 'utf8')) as unknown;

const documents: unknown[] = [
  creditRecord(1),
  creditRecord(3),
  dermatologyRecord(2),
  yamlDocument('domains', 'credit', 'domain.yaml'),
  yamlDocument('models', 'credit', 'card.yaml'),
  yamlDocument('models', 'credit-lite', 'card.yaml'),
  yamlDocument('models', 'demo', 'card.yaml'),
  yamlDocument('domains', 'dermatology', 'demo', 'derm-001.yaml'),
  yamlDocument('domains', 'dermatology', 'config.yaml'),
  yamlDocument('domains', 'dermatology', 'palette.yaml'),
  ...fs.readdirSync(packagePath('domains', 'credit', 'demo')).map((f) => yamlDocument('domains', 'credit', 'demo', f)),
];

/** A copy with one change at a random place: a field removed, a value of another type, an unknown field. */
function mutant(value: unknown, random: Random): unknown {
  const copy = structuredClone(value);
  const containers: (Record<string, unknown> | unknown[])[] = [];
  const walk = (v: unknown) => {
    if (v !== null && typeof v === 'object') {
      containers.push(v as Record<string, unknown>);
      for (const child of Object.values(v)) walk(child);
    }
  };
  walk(copy);
  const target = random.pick(containers);
  const keys = Object.keys(target);
  const replacements = [null, -1, 0.5, 1e9, '', 'x'.repeat(300), 'not-a-date', true, [], {}];
  const change = random.int(0, 2);
  if (change === 0 && keys.length > 0 && !Array.isArray(target)) delete (target as Record<string, unknown>)[random.pick(keys)];
  else if (change === 1 && keys.length > 0) (target as Record<string, unknown>)[random.pick(keys)] = random.pick(replacements);
  else if (!Array.isArray(target)) target[`unknown_${random.int(0, 9)}`] = 1;
  return copy;
}

suite('precompiled validators', () => {
  it('the build wrote one for every schema, from the schema as it is now, and validation uses it', () => {
    expect(schemaFiles.length).toBeGreaterThanOrEqual(6);
    for (const f of schemaFiles) expect(loadValidator(f).precompiled, f).toBe(true);
  });

  it('give the verdict and first error of a validator compiled from the same schema', () => {
    const random = seededRandom(8785);
    const ajv = createAjv(false);
    let invalid = 0;
    for (const f of schemaFiles) {
      const built = loadValidator(f).validate;
      const compiled = ajv.compile(JSON.parse(fs.readFileSync(packagePath('schemas', f), 'utf8')));
      for (const doc of documents) {
        for (let i = 0; i < 40; i++) {
          const value = i === 0 ? doc : mutant(doc, random);
          const verdict = built(value);
          expect(verdict, f).toBe(compiled(value));
          if (!verdict) {
            invalid++;
            const [a, b] = [built.errors?.[0], compiled.errors?.[0]];
            expect({ path: a?.instancePath, keyword: a?.keyword, params: a?.params }, f).toEqual({ path: b?.instancePath, keyword: b?.keyword, params: b?.params });
          }
        }
      }
    }
    // Each schema accepts its own documents and refuses most others: both verdicts were exercised.
    expect(invalid).toBeGreaterThan(1000);
    expect(loadValidator('audit-record.schema.json').validate(creditRecord(1))).toBe(true);
    expect(loadValidator('model-card.schema.json').validate(documents[4])).toBe(true);
  });

  it('the dermatology config and palette: the bundled files pass; a misspelt, missing or out-of-range threshold is refused, naming it', () => {
    const config = yamlDocument('domains', 'dermatology', 'config.yaml') as { segmentation: Record<string, unknown>; quality: { critical: string[] } };
    expect(validateWith('dermatology-config.schema.json', config, 'config.yaml')).toBe(config);
    expect(validateWith('dermatology-palette.schema.json', yamlDocument('domains', 'dermatology', 'palette.yaml'), 'palette.yaml')).toBeTruthy();
    const misspelt = structuredClone(config);
    misspelt.segmentation.min_chroma_contrst = misspelt.segmentation.min_chroma_contrast;
    delete misspelt.segmentation.min_chroma_contrast;
    expect(() => validateWith('dermatology-config.schema.json', misspelt, 'config.yaml')).toThrow(/^config\.yaml: .*segmentation.*min_chroma_contrast/);
    const negative = structuredClone(config);
    negative.segmentation.min_contrast = -1;
    expect(() => validateWith('dermatology-config.schema.json', negative, 'config.yaml')).toThrow(/^config\.yaml: segmentation\.min_contrast/);
    const unknownFlag = structuredClone(config);
    unknownFlag.quality.critical.push('vignetting');
    expect(() => validateWith('dermatology-config.schema.json', unknownFlag, 'config.yaml')).toThrow(/^config\.yaml: quality\.critical/);
  });

  it('a validator generated from another version of the schema (or options, or ajv) is not used, nor a damaged one', () => {
    const dir = tempDir('validators-');
    const schema = 'credit-case.schema.json';
    const text = fs.readFileSync(packagePath('schemas', schema), 'utf8');
    // A "validator" that accepts anything, stamped first with a stale digest, then with the right one.
    const write = (digest: string) => fs.writeFileSync(precompiledFile(schema, dir), `module.exports = () => true;\nmodule.exports.stamp = ${JSON.stringify(digest)};\n`);
    write(validatorStamp(`${text} `));
    const stale = loadValidator(schema, dir);
    expect(stale.precompiled).toBe(false);
    expect(stale.validate({})).toBe(false);
    fs.rmSync(precompiledFile(schema, dir));
    const dir2 = path.join(dir, 'current');
    fs.mkdirSync(dir2);
    fs.writeFileSync(precompiledFile(schema, dir2), `module.exports = () => true;\nmodule.exports.stamp = ${JSON.stringify(validatorStamp(text))};\n`);
    expect(loadValidator(schema, dir2).precompiled).toBe(true);
    expect(loadValidator(schema, dir2).validate({})).toBe(true);
    // A damaged file is compiled around, not an internal error.
    const dir3 = path.join(dir, 'damaged');
    fs.mkdirSync(dir3);
    fs.writeFileSync(precompiledFile(schema, dir3), 'module.exports = (');
    expect(loadValidator(schema, dir3)).toMatchObject({ precompiled: false });
    expect(loadValidator(schema, dir3).validate({})).toBe(false);
  });
});
