/** Every locale of every domain has the same message keys and the same {placeholders} as English. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { availableLocales } from '../../src/report/locales.js';
import { loadMessages } from '../../src/report/templates.js';
import { packagePath } from '../../src/paths.js';

const domains = fs.readdirSync(packagePath('templates')).filter((d) => fs.existsSync(packagePath('templates', d, 'locales')));

describe.each(domains)('%s locales', (domain) => {
  const english = loadMessages(domain, 'en');
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('ships English and Simplified Chinese', () => {
    expect(availableLocales(domain)).toEqual(expect.arrayContaining(['en', 'zh-CN']));
  });

  it.each(availableLocales(domain).filter((l) => l !== 'en'))('%s has the same keys and placeholders as en', (locale) => {
    const messages = loadMessages(domain, locale);
    expect([...messages.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of english) expect(placeholders(messages.get(key)!), key).toEqual(placeholders(text));
  });
});
