/**
 * What a batch's documents depend on besides its cases, kept beside its journal. A re-run into the same folder
 * finishes the same batch: with other settings, half the folder would hold one kind of document and half
 * another, so it is refused, naming the setting.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';

export interface BatchSettings {
  readonly domain: string;
  readonly profile: string | null;
  readonly documents: readonly string[] | null;
  readonly locale: string;
  readonly formats: readonly string[];
  /** The audit log (absolute path), or null: a batch begun with a log finishes with it, or its cases go unrecorded. */
  readonly audit: string | null;
}

export const SETTINGS_FILE = 'batch-settings.json';

const FLAGS: Record<keyof BatchSettings, string> = { domain: '--domain', profile: '--profile', documents: '--documents', locale: '--locale', formats: '--format', audit: '--audit' };

/**
 * Records the settings of a new batch, or checks a resumed one's. The file is written before any case runs, so
 * a batch killed before its first journal line is checked too. A setting an earlier version recorded as null
 * (the default, unnamed) counts as the named default.
 */
export function settleSettings(outDir: string, settings: BatchSettings, defaults: Partial<BatchSettings> = {}): void {
  const file = path.join(outDir, SETTINGS_FILE);
  if (fs.existsSync(file)) {
    let earlier: BatchSettings;
    try {
      earlier = JSON.parse(fs.readFileSync(file, 'utf8')) as BatchSettings;
    } catch {
      return fail(`${file}: not a batch settings file (JSON); it records how this batch began`);
    }
    for (const key of Object.keys(FLAGS) as (keyof BatchSettings)[]) {
      // Not recorded by versions before it was kept: nothing to compare.
      if (key === 'audit' && !Object.hasOwn(earlier, 'audit')) continue;
      const was = earlier[key] ?? defaults[key] ?? null;
      if (JSON.stringify(was) !== JSON.stringify(settings[key] ?? null)) fail(`${FLAGS[key]}: ${outDir} holds a batch begun with ${show(key, was)}, not ${show(key, settings[key])}; finish it with the same settings or use another --out`);
    }
    return;
  }
  writeFileAtomic(file, `${JSON.stringify(settings, null, 2)}\n`);
}

const show = (key: keyof BatchSettings, value: unknown) =>
  value === null || value === undefined ? (key === 'audit' ? 'no --audit' : `${FLAGS[key]} (default)`) : `${FLAGS[key]} ${Array.isArray(value) ? value.join(',') : String(value)}`;
