/**
 * `npm run demo`: the main job on bundled defaults. Every domain's demo cases (`domains/<name>/demo/*.yaml`)
 * are reported in every locale (and every profile, where the domain has profiles) under reports/<domain>/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { availableDomains, loadDomain } from '../domain/registry.js';
import { reportCase } from '../domain/run.js';
import { availableLocales } from '../report/locales.js';
import { packagePath } from '../paths.js';
import { outputFolder, parse } from './args.js';

export const usage = 'lrp-report demo [--out DIR]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { out: { type: 'string' } }, 'demo');
  const outRoot = values.out === undefined ? packagePath('reports') : outputFolder(values.out, 'demo');
  let count = 0;
  for (const name of availableDomains()) {
    const demoDir = packagePath('domains', name, 'demo');
    const cases = fs.existsSync(demoDir) ? fs.readdirSync(demoDir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
    if (cases.length === 0) continue;
    const plugin = await loadDomain(name);
    for (const profile of plugin.profiles.length > 0 ? plugin.profiles : [undefined]) {
      const outDir = path.join(outRoot, name, ...(profile ? [profile] : []));
      const session = await plugin.open({ profile });
      try {
        for (const file of cases) {
          for (const locale of availableLocales(name)) {
            const { outcome, files } = await reportCase(session, { file: path.join(demoDir, file) }, { domain: name, outDir, formats: ['pdf', 'html'], locale });
            count += files.length;
            const notes = outcome.notes.length > 0 ? ` (${outcome.notes.join('; ')})` : '';
            if (locale === 'en') process.stdout.write(`${name}${profile ? `/${profile}` : ''} ${outcome.caseId}: ${outcome.status}${notes}\n`);
          }
        }
      } finally {
        await session.close();
      }
    }
  }
  process.stdout.write(`${count} files written under ${outRoot}\n`);
  return 0;
}
