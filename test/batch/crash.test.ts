/**
 * Batch runs as operations use them: a loan book of 520 applicants killed (SIGKILL) at random moments several
 * times, then re-run: every case reported exactly once, every listed file present, and an audit log that
 * verifies with one record per case. A folder batch with a bad case records the failure and goes on. Three
 * threads write PDF and HTML: two case workers commit side by side and one render worker renders for both
 * (src/batch/plan.ts), so kills and Ctrl-C land while documents are on their way between threads.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { loadPublicKey } from '../../src/audit/keys.js';
import { verifyLog } from '../../src/audit/log.js';
import { logRecords } from '../helpers/audit-log.js';
import { csvRecords } from '../../src/io/csv.js';
import { packagePath } from '../../src/paths.js';
import { seededRandom } from '../../src/util/random.js';

const CLI = packagePath('dist', 'src', 'cli', 'main.js');
const CASES = 520;

function loanBook(file: string): void {
  const text = fs.readFileSync(packagePath('models', 'credit', 'data', 'german_credit_tidy.csv'), 'utf8');
  const [header, ...rows] = text.trim().split('\n');
  const lines = rows.slice(0, CASES).map((row, i) => `B${String(i + 1).padStart(4, '0')},2026-11-20,${row}`);
  fs.writeFileSync(file, `id,date,${header}\n${lines.join('\n')}\n`);
}

function batchArgs(dir: string): string[] {
  return [CLI, 'batch', '--domain', 'credit', '--cases', path.join(dir, 'book.csv'), '--out', path.join(dir, 'out'), '--format', 'pdf,html', '--workers', '3',
    '--audit', path.join(dir, 'audit.log'), '--audit-key', path.join(dir, 'keys', 'audit-signing.key.pem'), '--checkpoint-every', '50'];
}

const journalLines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);

/**
 * Starts a batch and SIGKILLs it once the journal holds `target` cases (a point in the work, whatever the
 * machine's speed), or after `ms` when no target is given (e.g. during start-up).
 */
function killAt(args: string[], journal: string, target: number | null, ms = 500): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    const poll = setInterval(() => {
      if (target === null || journalLines(journal) >= target) child.kill('SIGKILL');
    }, target === null ? ms : 20);
    child.on('exit', () => {
      clearInterval(poll);
      resolve();
    });
  });
}

describe('batch', () => {
  it(`finishes a ${CASES}-case loan book killed at random moments, each case exactly once, log verified`, async () => {
    const dir = tempDir('batch-crash-');
    loanBook(path.join(dir, 'book.csv'));
    expect(spawnSync(process.execPath, [CLI, 'audit', 'keygen', '--out', path.join(dir, 'keys')]).status).toBe(0);
    const random = seededRandom(20261126);
    const journal = path.join(dir, 'out', 'batch-journal.jsonl');
    const progress: number[] = [];
    // One kill during start-up, then three at random points of the work (seeded).
    const targets = [null, ...[0.15, 0.4, 0.7].map((share) => Math.floor(CASES * (share + random.uniform() * 0.1)))];
    for (const target of targets) {
      await killAt(batchArgs(dir), journal, target);
      progress.push(journalLines(journal));
    }
    const final = spawnSync(process.execPath, batchArgs(dir), { encoding: 'utf8' });
    expect(final.status, final.stderr).toBe(0);
    console.log(`journal after each kill: ${progress.join(', ')}; final: ${final.stdout.trim()}`);
    // Every kill landed before the batch was done: the last run really had to resume.
    for (const done of progress) expect(done).toBeLessThan(CASES);
    expect(progress.at(-1)!).toBeGreaterThan(0);

    const summary = csvRecords(fs.readFileSync(path.join(dir, 'out', 'summary.csv'), 'utf8'), 'summary');
    expect(summary).toHaveLength(CASES);
    expect(new Set(summary.map((r) => r.case)).size).toBe(CASES);
    expect(summary.every((r) => r.status === 'reported' || r.status === 'escalated')).toBe(true);
    const journalKeys = fs.readFileSync(journal, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { key: string }).key);
    expect(journalKeys).toHaveLength(CASES);
    expect(new Set(journalKeys).size).toBe(CASES);
    for (const r of summary) for (const f of r.files.split(' ')) expect(fs.existsSync(path.join(dir, 'out', f)), f).toBe(true);

    const key = loadPublicKey(fs.readFileSync(path.join(dir, 'keys', 'audit-signing.pub.pem')), 'pub');
    const verified = verifyLog(path.join(dir, 'audit.log'), key);
    expect(verified.ok, verified.reason).toBe(true);
    expect(verified.size).toBe(CASES);
    const records = logRecords(path.join(dir, 'audit.log'));
    expect(records).toHaveLength(CASES);
    expect(new Set(records.map((r) => r.case_id)).size).toBe(CASES);
    expect(new Set(records.map((r) => r.record_id))).toEqual(new Set(summary.map((r) => r.record_id)));
  }, 600_000);

  it('Ctrl-C: exit 130 with how to finish; the same command then finishes the batch', async () => {
    const dir = tempDir('batch-interrupt-');
    loanBook(path.join(dir, 'book.csv'));
    expect(spawnSync(process.execPath, [CLI, 'audit', 'keygen', '--out', path.join(dir, 'keys')]).status).toBe(0);
    const journal = path.join(dir, 'out', 'batch-journal.jsonl');
    const interrupted = await new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, batchArgs(dir), { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const poll = setInterval(() => {
        if (journalLines(journal) >= 20) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 20);
      child.on('exit', (code, signal) => {
        clearInterval(poll);
        resolve({ code, signal, stderr });
      });
    });
    expect(interrupted.code, `exit by signal ${interrupted.signal}: ${interrupted.stderr}`).toBe(130);
    expect(interrupted.stderr).toMatch(/batch: interrupted with \d+ of 520 cases done; run the same command again to finish/);
    const done = journalLines(journal);
    expect(done).toBeLessThan(CASES);
    // What the workers finished after Ctrl-C is committed: every document written is journalled, and the log,
    // signed on the way out, verifies at once.
    const journalled = new Set(fs.readFileSync(journal, 'utf8').split('\n').filter(Boolean).flatMap((l) => (JSON.parse(l) as { files: string[] }).files));
    const written = fs.readdirSync(path.join(dir, 'out')).filter((f) => /\.(pdf|html)$/.test(f));
    expect(written.filter((f) => f.endsWith('.pdf')).length).toBeGreaterThan(0);
    expect(written.filter((f) => !journalled.has(f))).toEqual([]);
    const verified = spawnSync(process.execPath, [CLI, 'audit', 'verify', path.join(dir, 'audit.log'), '--key', path.join(dir, 'keys', 'audit-signing.pub.pem')], { encoding: 'utf8' });
    expect(verified.status, verified.stderr).toBe(0);
    const finished = spawnSync(process.execPath, batchArgs(dir), { encoding: 'utf8' });
    expect(finished.status, finished.stderr).toBe(0);
    expect(finished.stdout).toMatch(new RegExp(`520 cases: .* \\(${done} finished by an earlier run\\)`));
    expect(new Set(fs.readFileSync(journal, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { key: string }).key)).size).toBe(CASES);
  }, 300_000);

  it('records a bad case as a failure with its error and goes on (exit 4); the summary carries each case\'s notes', () => {
    const dir = tempDir('batch-bad-');
    const cases = path.join(dir, 'cases');
    fs.mkdirSync(cases);
    for (const f of ['app-1001-refused.yaml', 'app-1002-approved.yaml', 'app-1004-escalated.yaml']) fs.copyFileSync(packagePath('domains', 'credit', 'demo', f), path.join(cases, f));
    fs.writeFileSync(path.join(cases, 'bad.yaml'), fs.readFileSync(path.join(cases, 'app-1002-approved.yaml'), 'utf8').replace(/id: APP-1002/, 'id: BAD-1').replace(/purpose: .*/, 'purpose: spaceship'));
    const r = spawnSync(process.execPath, [CLI, 'batch', '--domain', 'credit', '--cases', cases, '--out', path.join(dir, 'out'), '--format', 'html', '--workers', '2'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(4);
    expect(r.stdout).toMatch(/4 cases: 2 reported, 1 escalated, 1 failed/);
    const summary = csvRecords(fs.readFileSync(path.join(dir, 'out', 'summary.csv'), 'utf8'), 'summary');
    const bad = summary.find((s) => s.case === 'bad.yaml')!;
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatch(/purpose.*spaceship/);
    const escalated = summary.find((s) => s.case === 'app-1004-escalated.yaml')!;
    expect(escalated.status).toBe('escalated');
    expect(escalated.notes).toMatch(/^escalated for human review \(/);
    expect(summary.find((s) => s.case === 'app-1001-refused.yaml')!.notes).toBe('');
  }, 120_000);

  it('refuses a loan book for a domain whose cases are case files, in one line, before writing anything', () => {
    const dir = tempDir('batch-csv-');
    loanBook(path.join(dir, 'book.csv'));
    const r = spawnSync(process.execPath, [CLI, 'batch', '--domain', 'dermatology', '--cases', path.join(dir, 'book.csv'), '--out', path.join(dir, 'out')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--cases: .*book\.csv is a CSV file; dermatology cases are case files \(\.yaml, \.yml, \.json\) in a folder/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('a re-run runs failed cases again and refuses a case edited since it was reported', () => {
    const dir = tempDir('batch-rerun-');
    const cases = path.join(dir, 'cases');
    fs.mkdirSync(cases);
    fs.copyFileSync(packagePath('domains', 'credit', 'demo', 'app-1002-approved.yaml'), path.join(cases, 'good.yaml'));
    const approved = fs.readFileSync(path.join(cases, 'good.yaml'), 'utf8');
    fs.writeFileSync(path.join(cases, 'bad.yaml'), approved.replace(/id: APP-1002/, 'id: BAD-1').replace(/purpose: .*/, 'purpose: spaceship'));
    const batch = () => spawnSync(process.execPath, [CLI, 'batch', '--domain', 'credit', '--cases', cases, '--out', path.join(dir, 'out'), '--format', 'html', '--workers', '1'], { encoding: 'utf8' });
    const journal = path.join(dir, 'out', 'batch-journal.jsonl');
    expect(batch().status).toBe(4);
    // The bad case fixed: it runs again, the reported one does not.
    fs.writeFileSync(path.join(cases, 'bad.yaml'), approved.replace(/id: APP-1002/, 'id: BAD-1'));
    const fixed = batch();
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/2 cases: 2 reported, 0 escalated, 0 failed \(1 finished by an earlier run\)/);
    const summary = csvRecords(fs.readFileSync(path.join(dir, 'out', 'summary.csv'), 'utf8'), 'summary');
    expect(summary.map((s) => [s.case, s.status])).toEqual([['bad.yaml', 'reported'], ['good.yaml', 'reported']]);
    // A reported case edited: refused in one line, before anything is written.
    fs.writeFileSync(path.join(cases, 'good.yaml'), approved.replace(/id: APP-1002/, 'id: APP-1002\n# edited'));
    const journalBefore = fs.readFileSync(journal);
    const edited = batch();
    expect(edited.status).toBe(1);
    expect(edited.stderr.trim().split('\n')).toHaveLength(1);
    expect(edited.stderr).toMatch(/--cases: 1 case changed since .*out reported it \(good\.yaml\); finish the batch with the cases it began with, or run the changed ones with another --out/);
    expect(fs.readFileSync(journal).equals(journalBefore)).toBe(true);
  }, 120_000);

  it('--documents adverse-action-letter: letters only, and a decision listed twice is recorded once', () => {
    const dir = tempDir('batch-letters-');
    const cases = path.join(dir, 'cases');
    fs.mkdirSync(cases);
    for (const f of ['app-1001-refused.yaml', 'app-1002-approved.yaml']) fs.copyFileSync(packagePath('domains', 'credit', 'demo', f), path.join(cases, f));
    fs.copyFileSync(path.join(cases, 'app-1001-refused.yaml'), path.join(cases, 'app-1001-again.yaml'));
    const keys = path.join(dir, 'keys');
    expect(spawnSync(process.execPath, [CLI, 'audit', 'keygen', '--out', keys], { encoding: 'utf8' }).status).toBe(0);
    const log = path.join(dir, 'audit.log');
    const r = spawnSync(process.execPath, [CLI, 'batch', '--domain', 'credit', '--cases', cases, '--out', path.join(dir, 'out'), '--documents', 'adverse-action-letter', '--audit', log, '--audit-key', path.join(keys, 'audit-signing.key.pem'), '--workers', '2'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files = fs.readdirSync(path.join(dir, 'out')).filter((f) => !/\.(csv|jsonl)$|^batch-settings\.json$/.test(f)).sort();
    expect(files).toEqual(['APP-1001.adverse-action-letter.html', 'APP-1001.adverse-action-letter.pdf']);
    const records = logRecords(log);
    expect(records.map((rec) => rec.case_id).sort()).toEqual(['APP-1001', 'APP-1002']);
    const summary = csvRecords(fs.readFileSync(path.join(dir, 'out', 'summary.csv'), 'utf8'), 'summary');
    expect(summary).toHaveLength(3);
    expect(new Set(summary.map((s) => s.record_id)).size).toBe(2);
    // The default profile spelled out is the same batch; another profile is not.
    const spelled = spawnSync(process.execPath, [CLI, 'batch', '--domain', 'credit', '--cases', cases, '--out', path.join(dir, 'out'), '--documents', 'adverse-action-letter', '--profile', 'us', '--audit', log, '--audit-key', path.join(keys, 'audit-signing.key.pem'), '--workers', '2'], { encoding: 'utf8' });
    expect(spelled.status, spelled.stderr).toBe(0);
    expect(spelled.stdout).toMatch(/\(3 finished by an earlier run\)/);
    const eu = spawnSync(process.execPath, [CLI, 'batch', '--domain', 'credit', '--cases', cases, '--out', path.join(dir, 'out'), '--documents', 'adverse-action-letter', '--profile', 'eu', '--workers', '2'], { encoding: 'utf8' });
    expect(eu.status).toBe(1);
    expect(eu.stderr).toMatch(/--profile: .*out holds a batch begun with --profile us, not --profile eu/);
    // The folder holds a letters-only batch: finishing it with other documents is refused, by name.
    const again = spawnSync(process.execPath, [CLI, 'batch', '--domain', 'credit', '--cases', cases, '--out', path.join(dir, 'out'), '--documents', 'officer-report', '--workers', '2'], { encoding: 'utf8' });
    expect(again.status).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/--documents: .*out holds a batch begun with --documents adverse-action-letter, not --documents officer-report/);
    // Another folder, every document, the same log: those decisions are recorded with the letters only, so
    // these renderings would be outside the audit trail. Each case fails by name and leaves no file.
    const other = spawnSync(process.execPath, [CLI, 'batch', '--domain', 'credit', '--cases', cases, '--out', path.join(dir, 'out2'), '--audit', log, '--audit-key', path.join(keys, 'audit-signing.key.pem'), '--workers', '2'], { encoding: 'utf8' });
    expect(other.status, other.stderr).toBe(4);
    const failures = csvRecords(fs.readFileSync(path.join(dir, 'out2', 'summary.csv'), 'utf8'), 'summary');
    expect(failures.map((f) => f.status)).toEqual(['failed', 'failed', 'failed']);
    for (const f of failures) expect(f.error).toMatch(/already records decision credit:APP-100[12]:\w+ with other documents/);
    expect(fs.readdirSync(path.join(dir, 'out2')).filter((f) => /\.(pdf|html)$/.test(f))).toEqual([]);
    expect(logRecords(log)).toHaveLength(2);
  }, 120_000);
});
