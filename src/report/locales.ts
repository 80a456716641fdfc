/** Which locales a domain ships words for, known without loading the templates (option checks need only this). */
import fs from 'node:fs';
import path from 'node:path';
import { packagePath } from '../paths.js';

const localesDir = (domain: string): string => packagePath('templates', domain, 'locales');

/** `templates/<domain>/locales/<locale>.yaml`. */
export const localeFile = (domain: string, locale: string): string => path.join(localesDir(domain), `${locale}.yaml`);

/** Locales a domain ships words for (the file names under templates/<domain>/locales/). */
export function availableLocales(domain: string): string[] {
  const dir = localesDir(domain);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -'.yaml'.length)).sort() : [];
}
