/**
 * `lrp-report report` as a user runs it (built CLI): a good case writes its files; every bad input the issue
 * names is one line on stderr, a non-zero exit and no file in the output folder.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { packagePath } from '../../src/paths.js';

const CLI = packagePath('dist', 'src', 'cli', 'main.js');
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeCase(name: string, fields: Record<string, unknown>): string {
  const file = path.join(dir, `${name}.yaml`);
  const body = { schema_version: 1, case_id: name, lesion_id: 'L1', image: 'lesion.png', decision_time: '2026-11-26T10:00:00Z', ...fields };
  fs.writeFileSync(file, Object.entries(body).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n'));
  return file;
}

function expectCleanFailure(r: ReturnType<typeof run>, pattern: RegExp, out: string) {
  expect(r.code, r.stderr).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^lrp-report: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
}

beforeAll(async () => {
  dir = tempDir('report-cli-');
  fs.copyFileSync(packagePath('domains', 'dermatology', 'demo', 'derm-001.png'), path.join(dir, 'lesion.png'));
  // A decompression bomb: 48 megapixels of one colour compress to a few kilobytes.
  await sharp({ create: { width: 8000, height: 6000, channels: 3, background: { r: 200, g: 150, b: 120 } } }).png({ compressionLevel: 9 }).toFile(path.join(dir, 'bomb.png'));
  fs.writeFileSync(path.join(dir, 'not-an-image.png'), 'hello');
}, 60_000);

describe('lrp-report report --domain dermatology', () => {
  it('writes the PDF and HTML of a good case and prints --json', () => {
    const out = path.join(dir, 'good');
    const r = run('report', '--domain', 'dermatology', '--case', writeCase('GOOD-1', { pixel_spacing_mm: 0.08 }), '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { status: string; files: string[]; output: { probability: number }; abcd: { diameter_mm: number } };
    expect(json.status).toBe('reported');
    expect(json.files.map((f) => path.basename(f)).sort()).toEqual(['GOOD-1.case-report.html', 'GOOD-1.case-report.pdf']);
    expect(json.output.probability).toBeGreaterThan(0);
    expect(json.abcd.diameter_mm).toBeGreaterThan(0);
    expect(fs.readdirSync(out).sort()).toEqual(['GOOD-1.case-report.html', 'GOOD-1.case-report.pdf']);
  }, 60_000);

  it.each([
    ['missing image', { image: 'nowhere.png' }, /cannot read image: .*nowhere\.png: no such file \(ENOENT\)/],
    ['unreadable image', { image: 'not-an-image.png' }, /image: .*not-an-image\.png is not a readable image/],
    ['image bomb', { image: 'bomb.png' }, /larger than 40 megapixels/],
    ['spacing in µm', { pixel_spacing_mm: 80 }, /pixel_spacing_mm: 80 mm per pixel is outside 0\.001–0\.5/],
    ['negative spacing', { pixel_spacing_mm: -0.1 }, /pixel_spacing_mm/],
    ['unknown model card', { model_card: 'no-such-card.yaml' }, /cannot read model card .*no-such-card\.yaml/],
    ['unknown field', { patient_name: 'Jane' }, /unknown field "patient_name"/],
    ['unsafe case id', { case_id: '../escape' }, /case_id: must match pattern/],
    ['D out of range', { clinician: { structures: 9 } }, /clinician\.structures: must be <= 5/],
    ['image taken after the decision', { acquired_on: '2030-01-01' }, /acquired_on: 2030-01-01 is after the decision date 2026-11-26/],
    ['a leap second', { decision_time: '2016-12-31T23:59:60Z' }, /decision_time: 2016-12-31T23:59:60Z is not a time that can be read/],
    ['prior image after the decision', { prior_image: { image: 'lesion.png', acquired_on: '2027-05-14' } }, /prior_image\.acquired_on: 2027-05-14 is after the decision date 2026-11-26/],
    ['prior image not before this one', { acquired_on: '2026-11-20', prior_image: { image: 'lesion.png', acquired_on: '2026-11-20' } }, /prior_image\.acquired_on: 2026-11-20 is not before acquired_on 2026-11-20/],
  ])('%s → one-line error, nothing written', (name, fields, pattern) => {
    const out = path.join(dir, `bad-${name.replace(/\W+/g, '-')}`);
    expectCleanFailure(run('report', '--domain', 'dermatology', '--case', writeCase(`BAD-${name.replace(/\W+/g, '-')}`, fields), '--out', out), pattern, out);
  }, 60_000);

  it('a same-day image decided east of UTC is accepted (its date is the one written, not the UTC date)', () => {
    const r = run('report', '--domain', 'dermatology', '--case', writeCase('EAST-1', { acquired_on: '2026-11-26', decision_time: '2026-11-26T08:00:00+10:00' }), '--out', path.join(dir, 'east'), '--format', 'html');
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  it('refuses an unknown domain, locale, profile or format by name', () => {
    const good = writeCase('FLAGS-1', {});
    const out = path.join(dir, 'flags');
    expectCleanFailure(run('report', '--domain', 'cardiology', '--case', good, '--out', out), /unknown domain "cardiology" \(available: .*dermatology/, out);
    expectCleanFailure(run('report', '--domain', 'dermatology', '--case', good, '--out', out, '--locale', 'fr'), /--locale: "fr" is not available for dermatology \(available: en, zh-CN\)/, out);
    expectCleanFailure(run('report', '--domain', 'dermatology', '--case', good, '--out', out, '--profile', 'us'), /--profile: "us" is not a profile of dermatology/, out);
    expectCleanFailure(run('report', '--domain', 'dermatology', '--case', good, '--out', out, '--format', 'docx'), /--format docx: expected pdf, html/, out);
  });
});
