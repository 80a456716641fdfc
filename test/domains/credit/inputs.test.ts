/** Bad cases and bad domain configs fail with one line naming the field. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreditAssessor } from '../../../domains/credit/assess.js';
import { openCreditAssessor } from '../../../domains/credit/assess.js';
import { readCreditCase } from '../../../domains/credit/case.js';
import { DEFAULT_DOMAIN_FILE, loadCreditDomain } from '../../../domains/credit/config.js';
import { openCreditSession } from '../../../domains/credit/session.js';
import { packagePath } from '../../../src/paths.js';
import { readCsv } from './independent.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-inputs-'));
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};
const [first] = readCsv(packagePath('models', 'credit', 'data', 'german_credit_tidy.csv'));
const attributes = Object.fromEntries(Object.entries(first).filter(([k]) => !k.endsWith('_code') && k !== 'credit_risk'));
const caseJson = (attrs: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ id: 'A-1', ...extra, attributes: attrs });
const csvOf = (record: Record<string, string>) => `${Object.keys(record).join(',')}\n${Object.values(record).map((v) => (v.includes(',') ? `"${v}"` : v)).join(',')}\n`;

let assessor: CreditAssessor;
beforeAll(async () => {
  assessor = await openCreditAssessor();
});
afterAll(async () => {
  await assessor?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const assessFile = async (file: string) => assessor.assess(readCreditCase(file), 'us', file);

describe('credit case input', () => {
  it('reads the same applicant from YAML, JSON and one CSV row', async () => {
    const fromJson = await assessFile(write('a.json', caseJson(attributes)));
    const yaml = `id: A-1\napplicant: {name: "<b>Ann</b> Example"}\nattributes:\n${Object.entries(attributes).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join('\n')}\n`;
    const fromYaml = await assessFile(write('a.yaml', yaml));
    const fromCsv = await assessFile(write('a.csv', csvOf({ id: 'A-1', ...first })));
    expect(fromYaml.decision).toEqual(fromJson.decision);
    expect(fromCsv.decision).toEqual(fromJson.decision);
    expect(fromCsv.reasons).toEqual(fromJson.reasons);
    expect(fromYaml.case.applicant.name).toBe('<b>Ann</b> Example'); // escaping is the renderer's job: kept verbatim
    expect(fromCsv.case.unused_attributes).toEqual(expect.arrayContaining(['age_years', 'credit_risk', 'foreign_worker', 'personal_status_sex']));
  });

  it('refuses every row of a loan book that shares its id with another, before anything is assessed', async () => {
    const row = (id: string) => Object.values({ ...first, id }).map((v) => (v.includes(',') ? `"${v}"` : v)).join(',');
    const header = Object.keys({ ...first, id: '' }).join(',');
    // Rows 1 and 2 share an id; row 3 has none (so it is book-0003), which row 4 names explicitly.
    const book = write('book.csv', [header, row('DUP'), row('DUP'), row(''), row('book-0003'), row('OK-5')].join('\n') + '\n');
    const session = await openCreditSession({ documents: ['officer-report'] });
    try {
      await expect(session.assessCase({ file: book, row: 1 })).rejects.toThrow(/book\.csv row 1: id DUP is also the id of row 2; each applicant needs an id of its own/);
      await expect(session.assessCase({ file: book, row: 2 })).rejects.toThrow(/book\.csv row 2: id DUP is also the id of row 1;/);
      await expect(session.assessCase({ file: book, row: 3 })).rejects.toThrow(/book\.csv row 3: id book-0003 is also the id of row 4;/);
      await expect(session.assessCase({ file: book, row: 4 })).rejects.toThrow(/book\.csv row 4: id book-0003 is also the id of row 3;/);
      expect((await session.assessCase({ file: book, row: 5 })).caseId).toBe('OK-5');
    } finally {
      await session.close();
    }
  });

  it('names the field of every bad value', async () => {
    const bad = async (name: string, content: string | Buffer) => assessFile(write(name, content));
    await expect(bad('level.json', caseJson({ ...attributes, housing: 'castle' }))).rejects.toThrow(/level\.json: field housing has unknown level "castle"; known levels: "rent", "own", "for free"/);
    const { purpose: _omitted, ...withoutPurpose } = attributes;
    await expect(bad('missing.json', caseJson(withoutPurpose))).rejects.toThrow(/missing\.json: missing field purpose/);
    await expect(bad('negative.json', caseJson({ ...attributes, credit_amount: -500 }))).rejects.toThrow(/field credit_amount = -500 is outside its valid range/);
    await expect(bad('negative.csv', csvOf({ ...first, credit_amount: '-500' }))).rejects.toThrow(/field credit_amount = -500 is outside/);
    await expect(bad('long.json', caseJson({ ...attributes, purpose: 'x'.repeat(5000) }))).rejects.toThrow(/long\.json: attributes\.purpose: must NOT have more than 200 characters/);
    await expect(bad('longname.json', caseJson(attributes, { applicant: { name: 'y'.repeat(1000) } }))).rejects.toThrow(/applicant\.name: must NOT have more than 200 characters/);
  });

  it('rejects reserved keys, non-UTF-8, and malformed files', async () => {
    const bad = async (name: string, content: string | Buffer) => assessFile(write(name, content));
    await expect(bad('proto.json', `{"attributes": {"__proto__": {"purpose": "car (new)"}}}`)).rejects.toThrow(/proto\.json: field attributes\.__proto__ is not allowed/);
    await expect(bad('proto.yaml', `__proto__: {polluted: true}\nattributes: {}\n`)).rejects.toThrow(/proto\.yaml: field __proto__ is not allowed/);
    await expect(bad('ctor.json', caseJson({ ...attributes, constructor: 'x' }))).rejects.toThrow(/field attributes\.constructor is not allowed/);
    await expect(bad('proto.csv', `__proto__,purpose\nx,car (new)\n`)).rejects.toThrow(/proto\.csv: field __proto__ is not allowed/);
    const latin1 = Buffer.concat([Buffer.from(csvOf(first).replace('radio/television', 'radio/t')), Buffer.from([0xe9, 0x0a])]);
    await expect(bad('latin1.csv', latin1)).rejects.toThrow(/latin1\.csv: not valid UTF-8/);
    await expect(bad('two.csv', csvOf(first) + csvOf(first).split('\n')[1] + '\n')).rejects.toThrow(/exactly one applicant row \(found 2 rows\)/);
    await expect(bad('ragged.csv', 'purpose,housing\ncar (new)\n')).rejects.toThrow(/ragged\.csv: line 2 has 1 fields, the header has 2/);
    await expect(bad('unknown.json', JSON.stringify({ attributes, extra: 1 }))).rejects.toThrow(/unknown\.json: unknown field "extra"/);
    await expect(bad('broken.yaml', 'attributes: [\n')).rejects.toThrow(/broken\.yaml: not valid YAML/);
    await expect(bad('case.txt', 'x')).rejects.toThrow(/case\.txt: a case is \.yaml, \.yml, \.json or \.csv/);
    await expect(assessor.assess({ attributes }, 'mars')).rejects.toThrow(/profile "mars" is not configured; profiles: us, eu/);
  });
});

describe('credit domain config', () => {
  const variant = (name: string, body: string) => write(name, `extends: ${JSON.stringify(DEFAULT_DOMAIN_FILE)}\n${body}`);

  it('loads the shipped config', () => {
    const { config } = loadCreditDomain();
    expect(config.profiles.us.max_reasons).toBeLessThanOrEqual(4);
    expect(config.top_factors).toBe(5);
  });

  it('rejects generic reasons, naming the field', () => {
    const internal = variant('generic.yaml', 'attributes:\n  purpose: {label: Purpose, reason: {default: Does not meet our internal standards}}\n');
    expect(() => loadCreditDomain(internal)).toThrow(/generic\.yaml: attributes\.purpose\.reason\.default: "Does not meet our internal standards" is a generic reason/);
    const score = variant('score.yaml', 'attributes:\n  duration_months: {label: Term, reason: {high: Credit score too low, low: Short term}}\n');
    expect(() => loadCreditDomain(score)).toThrow(/attributes\.duration_months\.reason\.high: "Credit score too low" is a generic reason/);
    const level = variant('level.yaml', 'attributes:\n  housing: {label: Housing, reason: {levels: {rent: Insufficient score}}}\n');
    expect(() => loadCreditDomain(level)).toThrow(/attributes\.housing\.reason\.levels\."rent": "Insufficient score" is a generic reason/);
  });

  it('rejects an actionable prohibited basis or proxy, unknown fields, and configs that do not cover the card', async () => {
    const actionable = variant('proxy-action.yaml', 'attributes:\n  people_liable_maintenance: {label: Dependents, reason: {high: a, low: b}, action: {direction: decrease-only, step: 1, bounds: [1, 2], max_steps: 1, step_cost: 1, text: Have fewer dependents}}\n');
    expect(() => loadCreditDomain(actionable)).toThrow(/attributes\.people_liable_maintenance\.action: people_liable_maintenance is a prohibited basis or proxy and must stay immutable/);
    expect(() => loadCreditDomain(variant('typo.yaml', 'top_factor: 5\n'))).toThrow(/typo\.yaml: unknown field "top_factor"/);
    expect(() => loadCreditDomain(variant('us5.yaml', 'profiles: {us: {jurisdiction: US, max_reasons: 0, law: x, agency: {name: a, address: b}}}\n'))).toThrow(/profiles\.us\.max_reasons: must be >= 1/);
    const badLevel = variant('badlevel.yaml', 'attributes:\n  housing: {label: Housing, reason: {levels: {castle: Lives in a castle}}}\n');
    await expect(openCreditAssessor(badLevel)).rejects.toThrow(/attributes\.housing\.reason\.levels: "castle" is not a level of housing/);
    const badOrder = variant('badorder.yaml', 'attributes:\n  housing: {label: Housing, reason: {default: "Housing: {value}"}, action: {direction: increase-only, order: [rent, castle], step_cost: 1, text: Move}}\n');
    await expect(openCreditAssessor(badOrder)).rejects.toThrow(/attributes\.housing\.action\.order: "castle" is not a level of housing/);
    const wrongClass = variant('class.yaml', `model: {card: ${JSON.stringify(packagePath('models', 'credit', 'card.yaml'))}, refuse_class: good}\n`);
    await expect(openCreditAssessor(wrongClass)).rejects.toThrow(/class\.yaml: model\.refuse_class is good but the card scores bad/);
  });
});
