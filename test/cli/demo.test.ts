/** `npm run demo`, the README's first command: every domain's demo cases become documents, in every locale. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { packagePath } from '../../src/paths.js';

describe('lrp-report demo', () => {
  it('renders the bundled demo cases of both domains to PDF and HTML in en and zh-CN', () => {
    const out = tempDir('demo-');
    const r = spawnSync(process.execPath, [packagePath('dist', 'src', 'cli', 'main.js'), 'demo', '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files = (dir: string) => fs.readdirSync(path.join(out, dir));
    expect(files('dermatology').filter((f) => f.endsWith('.pdf'))).toHaveLength(4 * 2);
    expect(files('dermatology')).toContain('DERM-001.case-report.zh-CN.html');
    for (const profile of ['us', 'eu']) {
      const credit = files(path.join('credit', profile));
      expect(credit).toContain('APP-1001.adverse-action-letter.pdf');
      expect(credit).toContain('APP-1001.adverse-action-letter.zh-CN.pdf');
      // Approved and escalated applicants get no letter.
      expect(credit.filter((f) => /^APP-100[24]\.adverse-action-letter/.test(f))).toEqual([]);
    }
    expect(r.stdout).toMatch(/APP-1004: escalated/);
    expect(r.stdout).toMatch(/DERM-003: reported \(caution: ink/);
  }, 180_000);
});
