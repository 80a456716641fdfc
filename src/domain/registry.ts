/**
 * Domains are found by folder: `domains/<name>/plugin.(js|ts)` exporting `plugin`. A new domain is a new folder
 * (plugin, config, templates), with no change here.
 */
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fail } from '../errors.js';
import type { DomainPlugin } from './plugin.js';

// src/domain → ../../domains, the same from the sources (tests) and from dist/src/domain (the built CLI).
const domainsDir = new URL('../../domains/', import.meta.url);

export function availableDomains(): string[] {
  const dir = fileURLToPath(domainsDir);
  return fs.readdirSync(dir).filter((name) => pluginFile(name) !== null).sort();
}

function pluginFile(name: string): string | null {
  for (const ext of ['js', 'ts']) {
    const file = fileURLToPath(new URL(`${name}/plugin.${ext}`, domainsDir));
    if (fs.existsSync(file)) return file;
  }
  return null;
}

export async function loadDomain(name: string): Promise<DomainPlugin> {
  const file = /^[a-z][a-z0-9-]*$/.test(name) ? pluginFile(name) : null;
  if (!file) fail(`--domain: unknown domain "${name}" (available: ${availableDomains().join(', ')})`);
  const module = (await import(pathToFileURL(file).href)) as { plugin?: DomainPlugin };
  if (!module.plugin) throw new Error(`${file} does not export "plugin"`);
  const { defaultProfile, profiles, renderShare } = module.plugin;
  if (!(typeof renderShare === 'number' && renderShare >= 0 && renderShare <= 1)) throw new Error(`${file}: renderShare must be a number from 0 to 1 (the share of a case's work that is rendering its documents)`);
  if (defaultProfile !== null && !profiles.includes(defaultProfile)) throw new Error(`${file}: defaultProfile "${defaultProfile}" is not one of its profiles (${profiles.join(', ')})`);
  return module.plugin;
}
