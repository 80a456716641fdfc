/** The domain flags shared by `report` and `batch`: the domain's plugin, a locale it has words for, one of its profiles. */
import { fail } from '../errors.js';
import type { DomainPlugin } from '../domain/plugin.js';
import { loadDomain } from '../domain/registry.js';
import { availableLocales } from '../report/templates.js';

export async function domainOptions(domain: string, locale = 'en', profile?: string): Promise<{ plugin: DomainPlugin; locale: string }> {
  const plugin = await loadDomain(domain);
  const locales = availableLocales(domain);
  if (!locales.includes(locale)) fail(`--locale: "${locale}" is not available for ${domain} (available: ${locales.join(', ')})`);
  if (profile !== undefined && !plugin.profiles.includes(profile)) {
    fail(`--profile: "${profile}" is not a profile of ${domain}${plugin.profiles.length ? ` (available: ${plugin.profiles.join(', ')})` : ' (it has none)'}`);
  }
  return { plugin, locale };
}
