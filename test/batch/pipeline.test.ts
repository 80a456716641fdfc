/**
 * A batch whose documents are rendered by a render worker (two threads: one for cases, one for HTML and PDF;
 * src/batch/plan.ts) makes the same documents and records, byte for byte, as one worker rendering its own (the
 * reference: the path `lrp-report report` takes too).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { logRecords } from '../helpers/audit-log.js';
import { packagePath } from '../../src/paths.js';

const CLI = packagePath('dist', 'src', 'cli', 'main.js');
const APPLICANTS = 60;

describe('batch with a render worker', () => {
  it('writes the same letters, officer reports (with their charts) and audit records as one worker alone', () => {
    const dir = tempDir('batch-pipeline-');
    const [header, ...rows] = fs.readFileSync(packagePath('models', 'credit', 'data', 'german_credit_tidy.csv'), 'utf8').trim().split('\n');
    fs.writeFileSync(path.join(dir, 'book.csv'), `id,date,${header}\n${rows.slice(0, APPLICANTS).map((r, i) => `P${i + 1},2026-11-20,${r}`).join('\n')}\n`);
    expect(spawnSync(process.execPath, [CLI, 'audit', 'keygen', '--out', path.join(dir, 'keys')]).status).toBe(0);
    const run = (workers: number) => {
      const out = path.join(dir, `out-${workers}`);
      const log = path.join(dir, `audit-${workers}.log`);
      const r = spawnSync(process.execPath, [CLI, 'batch', '--domain', 'credit', '--cases', path.join(dir, 'book.csv'), '--out', out, '--format', 'pdf,html', '--workers', String(workers), '--audit', log, '--audit-key', path.join(dir, 'keys', 'audit-signing.key.pem')], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      // Two threads: one for cases, one rendering; one: no render worker.
      expect(r.stderr.includes('batch: 1 thread for cases, 1 rendering their documents')).toBe(workers === 2);
      return { out, records: new Map(logRecords(log).map((rec) => [rec.record_id, rec])) };
    };
    const alone = run(1);
    const split = run(2);
    // The journal lists cases in the order they finished, and the settings name each run's log; the rest is the same.
    const files = (out: string) => fs.readdirSync(out).filter((f) => f !== 'batch-journal.jsonl' && f !== 'batch-settings.json').sort();
    expect(files(split.out)).toEqual(files(alone.out));
    const pdfs = files(alone.out).filter((f) => f.endsWith('.pdf'));
    expect(pdfs.filter((f) => f.includes('adverse-action-letter')).length).toBeGreaterThan(10);
    expect(pdfs.filter((f) => f.includes('officer-report'))).toHaveLength(APPLICANTS);
    for (const f of files(alone.out)) expect(Buffer.compare(fs.readFileSync(path.join(split.out, f)), fs.readFileSync(path.join(alone.out, f))), f).toBe(0);
    expect(split.records.size).toBe(APPLICANTS);
    expect(split.records).toEqual(alone.records);
  }, 120_000);
});
