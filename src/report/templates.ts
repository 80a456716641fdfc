/**
 * Templates and their words. `templates/<domain>/<document>.hbs` is written once; the words come from
 * `templates/<domain>/locales/<locale>.yaml` through the `t` helper, so a locale is a data file, not a second
 * layout. Templates compile in strict mode: a field missing from the context is an error, never an empty cell.
 */
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { fail } from '../errors.js';
import { readYamlFile } from '../io/yaml.js';
import { packagePath } from '../paths.js';
import { availableLocales, localeFile } from './locales.js';

export type Messages = ReadonlyMap<string, string>;

const templateRoot = (...parts: string[]) => packagePath('templates', ...parts);

const messageCache = new Map<string, Messages>();
const templateCache = new Map<string, RenderTemplate>();

/** The locale's words (read once per process). */
export function loadMessages(domain: string, locale: string): Messages {
  const key = `${domain}/${locale}`;
  let messages = messageCache.get(key);
  if (!messages) messageCache.set(key, (messages = readMessages(domain, locale)));
  return messages;
}

function readMessages(domain: string, locale: string): Messages {
  const locales = availableLocales(domain);
  if (!locales.includes(locale)) fail(`--locale: "${locale}" is not available for ${domain} (available: ${locales.join(', ')})`);
  const file = localeFile(domain, locale);
  const messages = new Map<string, string>();
  const flatten = (value: unknown, prefix: string): void => {
    if (typeof value === 'string') messages.set(prefix, value);
    else if (value && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k);
    else fail(`${file}: ${prefix || '(top level)'} must be text or a map of texts`);
  };
  flatten(readYamlFile(file, 'locale messages'), '');
  return messages;
}

export type RenderTemplate = (context: object) => string;

/** Compile `templates/<domain>/<name>.hbs` with the shared partials and the helpers below, for one locale. */
export function loadTemplate(domain: string, name: string, locale: string): RenderTemplate {
  const key = `${domain}/${name}/${locale}`;
  let template = templateCache.get(key);
  if (!template) templateCache.set(key, (template = compileTemplate(domain, name, locale)));
  return template;
}

function compileTemplate(domain: string, name: string, locale: string): RenderTemplate {
  const messages = loadMessages(domain, locale);
  const hb = Handlebars.create();
  registerHelpers(hb, messages, locale);
  const partialDir = templateRoot('partials');
  if (fs.existsSync(partialDir)) {
    for (const f of fs.readdirSync(partialDir).filter((f) => f.endsWith('.hbs'))) hb.registerPartial(f.slice(0, -4), fs.readFileSync(path.join(partialDir, f), 'utf8'));
  }
  const file = templateRoot(domain, `${name}.hbs`);
  if (!fs.existsSync(file)) fail(`no template ${domain}/${name}.hbs`);
  const template = hb.compile(fs.readFileSync(file, 'utf8'), { strict: true, noEscape: false });
  return (context) => {
    try {
      return template(context);
    } catch (e) {
      fail(`template ${domain}/${name}.hbs: ${(e as Error).message.split('\n')[0]}`);
    }
  };
}

/** `{name}` placeholders filled from the helper's hash; unknown keys fail loudly. */
export function formatMessage(messages: Messages, key: string, values: Readonly<Record<string, unknown>>): string {
  const template = messages.get(key);
  if (template === undefined) fail(`no message "${key}"`);
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) fail(`message "${key}" needs a value for {${name}}`);
    return String(values[name]);
  });
}

function registerHelpers(hb: typeof Handlebars, messages: Messages, locale: string): void {
  type Options = Handlebars.HelperOptions;
  // Handlebars escapes the returned string, so words and values are always escaped in the markup.
  hb.registerHelper('t', (key: unknown, options: Options) => formatMessage(messages, String(key), options.hash as Record<string, unknown>));
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // A label the model card defines (a class name): in the locale's words where it has them (labels.<group>.<value>),
  // else as the card writes it; a card's labels cannot all be known to the locale files.
  hb.registerHelper('label', (group: unknown, value: unknown) => messages.get(`labels.${String(group)}.${String(value)}`) ?? String(value));
  hb.registerHelper('num', (value: unknown, digits: unknown) => formatNumber(value, typeof digits === 'number' ? digits : 2, locale));
  // A no-break space before the sign: a line never ends between a number and its "%".
  hb.registerHelper('pct', (value: unknown, digits: unknown) => `${formatNumber(typeof value === 'number' ? value * 100 : value, typeof digits === 'number' ? digits : 1, locale)}\u00a0%`);
  // A time as people read it in a record, unambiguous in every locale: ISO 8601 date, hours and minutes, UTC.
  hb.registerHelper('utc', (value: unknown) => {
    const time = typeof value === 'string' ? new Date(value) : null;
    if (!time || Number.isNaN(time.getTime())) fail(`a time was expected, got ${JSON.stringify(value)}`);
    return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  });
  hb.registerHelper('join', (list: unknown, separator: unknown) => (Array.isArray(list) ? list.map(String).join(typeof separator === 'string' ? separator : ', ') : ''));
}

const numberFormats = new Map<string, Intl.NumberFormat>();

function formatNumber(value: unknown, digits: number, locale: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`a number was expected, got ${JSON.stringify(value)}`);
  // One formatter per locale and precision (toLocaleString builds a new one on every call).
  const key = `${locale}/${digits}`;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false })));
  return format.format(value);
}
