/** Batch settings: a resumed batch must be finished as it was begun; an unnamed default counts as the default. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { SETTINGS_FILE, settleSettings, type BatchSettings } from '../../src/batch/settings.js';

const settings = (over: Partial<BatchSettings> = {}): BatchSettings => ({ domain: 'credit', profile: 'us', documents: null, locale: 'en', formats: ['html', 'pdf'], audit: '/logs/audit.log', ...over });

describe('batch settings', () => {
  it('records a new batch and refuses to finish it with another setting, by flag', () => {
    const dir = tempDir('batch-settings-');
    settleSettings(dir, settings());
    expect(JSON.parse(fs.readFileSync(path.join(dir, SETTINGS_FILE), 'utf8'))).toEqual(settings());
    expect(() => settleSettings(dir, settings())).not.toThrow();
    expect(() => settleSettings(dir, settings({ profile: 'eu' }))).toThrow(/^--profile: .* begun with --profile us, not --profile eu;/);
    expect(() => settleSettings(dir, settings({ locale: 'zh-CN' }))).toThrow(/^--locale: /);
    expect(() => settleSettings(dir, settings({ formats: ['pdf'] }))).toThrow(/^--format: .* begun with --format html,pdf, not --format pdf;/);
    // Finished without its audit log, its remaining decisions would go unrecorded (and into another log, apart).
    expect(() => settleSettings(dir, settings({ audit: null }))).toThrow(/^--audit: .* begun with --audit \/logs\/audit\.log, not no --audit;/);
    expect(() => settleSettings(dir, settings({ audit: '/logs/other.log' }))).toThrow(/^--audit: /);
  });

  it('a batch recorded before the audit log was kept is not checked for it', () => {
    const dir = tempDir('batch-settings-');
    const { audit: _, ...older } = settings();
    fs.writeFileSync(path.join(dir, SETTINGS_FILE), JSON.stringify(older));
    expect(() => settleSettings(dir, settings({ audit: null }))).not.toThrow();
  });

  it('a profile recorded unnamed (null, by an earlier version) is the default profile', () => {
    const dir = tempDir('batch-settings-');
    fs.writeFileSync(path.join(dir, SETTINGS_FILE), JSON.stringify(settings({ profile: null })));
    expect(() => settleSettings(dir, settings(), { profile: 'us' })).not.toThrow();
    expect(() => settleSettings(dir, settings({ profile: 'eu' }), { profile: 'us' })).toThrow(/--profile: .* begun with --profile us, not --profile eu/);
    fs.writeFileSync(path.join(dir, SETTINGS_FILE), '{not json');
    expect(() => settleSettings(dir, settings())).toThrow(/not a batch settings file/);
  });
});
