/**
 * `lrp-report report --domain credit` as a user runs it (built CLI): a refused applicant gets the letter and the
 * officer report (exit 0), an approved one the report only, an escalated one the report only and exit 3; every
 * bad input is one line on stderr naming the field, a non-zero exit and no file in the output folder.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { packagePath } from '../../src/paths.js';

const CLI = packagePath('dist', 'src', 'cli', 'main.js');
const demo = (name: string) => packagePath('domains', 'credit', 'demo', name);
let dir: string;
let attributes: Record<string, string | number>;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const report = (caseFile: string, out: string, ...more: string[]) => run('report', '--domain', 'credit', '--case', caseFile, '--out', out, ...more);

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

function expectCleanFailure(r: ReturnType<typeof run>, pattern: RegExp, out: string) {
  expect(r.code, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^lrp-report: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
}

interface Json {
  status: string;
  files: string[];
  decision: { outcome: string; probability: number; threshold: number };
  factors: { attribute: string; relevance: number }[];
  reasons: { statement: string; relevance: number }[];
  hints: { status: string; hints: { probability: number; changes: unknown[] }[]; disclaimer: string };
  escalation: { code: string } | null;
  letter: { status: string };
  profile: { id: string };
}

beforeAll(() => {
  dir = tempDir('credit-cli-');
  attributes = (YAML.parse(fs.readFileSync(demo('app-1001-refused.yaml'), 'utf8')) as { attributes: Record<string, string | number> }).attributes;
});

describe('lrp-report report --domain credit', () => {
  it('a refused applicant (US): the letter and the officer report, and --json states decision, factors, reasons, hints', () => {
    const out = path.join(dir, 'refused-us');
    const r = report(demo('app-1001-refused.yaml'), out, '--profile', 'us', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const json = JSON.parse(r.stdout) as Json;
    expect(json.status).toBe('reported');
    expect(json.profile.id).toBe('us');
    expect(json.decision.outcome).toBe('refused');
    expect(json.decision.probability).toBeGreaterThanOrEqual(json.decision.threshold);
    expect(json.factors).toHaveLength(5);
    expect(json.reasons.length).toBeGreaterThan(0);
    expect(json.reasons.length).toBeLessThanOrEqual(4);
    expect(json.hints.status).toBe('found');
    for (const h of json.hints.hints) expect(h.probability).toBeLessThan(json.decision.threshold);
    expect(json.hints.disclaimer).toMatch(/not a guarantee/);
    expect(json.escalation).toBeNull();
    expect(json.letter.status).toBe('ready');
    const expected = ['APP-1001.adverse-action-letter.html', 'APP-1001.adverse-action-letter.pdf', 'APP-1001.officer-report.html', 'APP-1001.officer-report.pdf'];
    expect(json.files.map((f) => path.basename(f)).sort()).toEqual(expected);
    expect(fs.readdirSync(out).sort()).toEqual(expected);
  }, 60_000);

  it('the EU profile in Chinese writes the EU letter', () => {
    const out = path.join(dir, 'refused-eu');
    const r = report(demo('app-1001-refused.yaml'), out, '--profile', 'eu', '--locale', 'zh-CN', '--format', 'pdf');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((f) => path.basename(f))).toEqual(['APP-1001.adverse-action-letter.zh-CN.pdf', 'APP-1001.officer-report.zh-CN.pdf']);
    expect(fs.readdirSync(out).sort()).toEqual(['APP-1001.adverse-action-letter.zh-CN.pdf', 'APP-1001.officer-report.zh-CN.pdf']);
  }, 60_000);

  it('an approved applicant gets no letter (exit 0)', () => {
    for (const profile of ['us', 'eu']) {
      const out = path.join(dir, `approved-${profile}`);
      const r = report(demo('app-1002-approved.yaml'), out, '--profile', profile, '--json');
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as Json;
      expect(json.decision.outcome).toBe('approved');
      expect(json.letter.status).toBe('not-applicable');
      expect(fs.readdirSync(out).sort()).toEqual(['APP-1002.officer-report.html', 'APP-1002.officer-report.pdf']);
    }
  }, 60_000);

  it('an escalated case: exit 3, the officer report only, one note line', () => {
    for (const profile of ['us', 'eu']) {
      const out = path.join(dir, `escalated-${profile}`);
      const r = report(demo('app-1004-escalated.yaml'), out, '--profile', profile, '--json');
      expect(r.code, r.stderr).toBe(3);
      const json = JSON.parse(r.stdout) as Json;
      expect(json.status).toBe('escalated');
      expect(json.escalation?.code).toBe('proxy-reason');
      expect(json.letter.status).toBe('blocked');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^lrp-report: APP-1004: escalated for human review \(proxy-reason\): .*people_liable_maintenance/);
      expect(fs.readdirSync(out).sort()).toEqual(['APP-1004.officer-report.html', 'APP-1004.officer-report.pdf']);
    }
  }, 60_000);

  it('the default profile is us; --profile accepts us and eu only', () => {
    const out = path.join(dir, 'profiles');
    const r = report(demo('app-1002-approved.yaml'), path.join(dir, 'default-profile'), '--json', '--format', 'html');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Json).profile.id).toBe('us');
    expectCleanFailure(report(demo('app-1002-approved.yaml'), out, '--profile', 'mars'), /--profile: "mars" is not a profile of credit \(available: us, eu\)/, out);
    expectCleanFailure(report(demo('app-1002-approved.yaml'), out, '--locale', 'fr'), /--locale: "fr" is not available for credit \(available: en, zh-CN\)/, out);
  }, 60_000);

  it('--documents picks the documents: a mailing run writes the letter only; an unknown name is refused by name', () => {
    const out = path.join(dir, 'letters-only');
    const r = report(demo('app-1001-refused.yaml'), out, '--documents', 'adverse-action-letter');
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['APP-1001.adverse-action-letter.html', 'APP-1001.adverse-action-letter.pdf']);
    const officer = path.join(dir, 'officer-only');
    expect(report(demo('app-1001-refused.yaml'), officer, '--documents', 'officer-report', '--format', 'html').code).toBe(0);
    expect(fs.readdirSync(officer)).toEqual(['APP-1001.officer-report.html']);
    const bad = path.join(dir, 'bad-documents');
    expectCleanFailure(report(demo('app-1001-refused.yaml'), bad, '--documents', 'adverse-action-letter,brochure'), /--documents: "brochure" is not a document of credit \(available: adverse-action-letter, officer-report\)/, bad);
  }, 60_000);

  const caseJson = (attrs: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ id: 'BAD-1', date: '2026-11-20', ...extra, attributes: attrs });
  const csvOf = (record: Record<string, string | number>) =>
    `${Object.keys(record).join(',')}\n${Object.values(record).map((v) => (String(v).includes(',') ? `"${String(v)}"` : String(v))).join(',')}\n`;
  const withoutPurpose = () => Object.fromEntries(Object.entries(attributes).filter(([k]) => k !== 'purpose'));

  it.each([
    ['unknown level', () => write('level.json', caseJson({ ...attributes, housing: 'castle' })), /level\.json: field housing has unknown level "castle"; known levels: "rent", "own", "for free"/],
    ['missing field', () => write('missing.json', caseJson(withoutPurpose())), /missing\.json: missing field purpose/],
    ['negative amount', () => write('negative.json', caseJson({ ...attributes, credit_amount: -500 })), /field credit_amount = -500 is outside its valid range/],
    ['negative amount (CSV)', () => write('negative.csv', csvOf({ id: 'BAD-2', ...attributes, credit_amount: -500 })), /negative\.csv: .*field credit_amount = -500 is outside/],
    ['__proto__ key (JSON)', () => write('proto.json', '{"id": "BAD-3", "attributes": {"__proto__": {"purpose": "car (new)"}}}'), /proto\.json: field attributes\.__proto__ is not allowed/],
    ['__proto__ key (YAML)', () => write('proto.yaml', '__proto__: {polluted: true}\nattributes: {}\n'), /proto\.yaml: field __proto__ is not allowed/],
    ['non-UTF-8 CSV', () => write('latin1.csv', Buffer.concat([Buffer.from(csvOf({ id: 'BAD-4', ...attributes }).trimEnd()), Buffer.from([0x20, 0xe9, 0x0a])])), /latin1\.csv: not valid UTF-8/],
    ['unsafe id', () => write('escape.json', caseJson(attributes, { id: '../escape' })), /escape\.json: id: "\.\.\/escape" must be 1–100 letters, digits/],
    ['bad date', () => write('date.json', caseJson(attributes, { date: '2026-02-30' })), /date\.json: date: must match format "date"/],
    ['very long name', () => write('long.json', caseJson(attributes, { applicant: { name: 'y'.repeat(1000) } })), /long\.json: applicant\.name: must NOT have more than 200 characters/],
    ['unknown field', () => write('field.json', caseJson(attributes, { ssn: '123' })), /field\.json: unknown field "ssn"/],
    ['missing case file', () => path.join(dir, 'nowhere.yaml'), /nowhere\.yaml/],
  ])('%s → one-line error naming the field, nothing written', (name, makeCase, pattern) => {
    const out = path.join(dir, `bad-${name.replace(/\W+/g, '-')}`);
    expectCleanFailure(report(makeCase(), out, '--profile', 'us'), pattern, out);
  }, 60_000);
});
