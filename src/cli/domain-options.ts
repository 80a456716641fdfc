/**
 * The domain flags shared by `report` and `batch`: the domain's plugin, a locale it has words for, one of its
 * profiles, and which of its documents to produce (comma-separated names; default all).
 */
import { fail } from '../errors.js';
import type { DomainPlugin } from '../domain/plugin.js';
import { loadDomain } from '../domain/registry.js';
import { availableLocales } from '../report/locales.js';

export async function domainOptions(domain: string, locale = 'en', profile?: string, documents?: string): Promise<{ plugin: DomainPlugin; locale: string; documents: readonly string[] | undefined }> {
  const plugin = await loadDomain(domain);
  const locales = availableLocales(domain);
  if (!locales.includes(locale)) fail(`--locale: "${locale}" is not available for ${domain} (available: ${locales.join(', ')})`);
  if (profile !== undefined && !plugin.profiles.includes(profile)) {
    fail(`--profile: "${profile}" is not a profile of ${domain}${plugin.profiles.length ? ` (available: ${plugin.profiles.join(', ')})` : ' (it has none)'}`);
  }
  return { plugin, locale, documents: documents === undefined ? undefined : documentList(plugin, documents) };
}

/** The named documents in the plugin's order; every document is the default (undefined), however it was spelled. */
function documentList(plugin: DomainPlugin, value: string): string[] | undefined {
  const names = new Set(value.split(',').map((d) => d.trim()));
  for (const name of names) {
    if (!plugin.documents.includes(name)) fail(`--documents: "${name}" is not a document of ${plugin.name} (available: ${plugin.documents.join(', ')})`);
  }
  return names.size === plugin.documents.length ? undefined : plugin.documents.filter((d) => names.has(d));
}
