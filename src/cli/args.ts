/** Argument parsing shared by the commands: strict, with one-line errors. */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { fail, UsageError } from '../errors.js';
import type { AttributionMethod, ExplainerProfile, SeedKind } from '../lrp/compile/compile.js';
import type { TargetSpec } from '../lrp/explainer.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>>;

/**
 * Options, and exactly the arguments named in `positionals` (none by default): a stray word (a typo, a shell glob
 * that matched two files) is a usage error, not silently ignored.
 */
export function parse<T extends Options>(argv: string[], options: T, command: string, positionals: readonly string[] = []): Parsed<T> {
  let parsed: Parsed<T>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    // parseArgs's first sentence (its advice on positionals that start with '-' is not about this command line).
    throw new UsageError(`${command}: ${(e as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '')}`);
  }
  const got = parsed.positionals;
  if (positionals.length === 0 && got.length > 0) throw new UsageError(`${command}: unexpected argument "${got[0]}"`);
  if (got.length !== positionals.length) throw new UsageError(`${command}: expected ${positionals.join(' ')}, got ${got.length === 0 ? 'nothing' : got.map((p) => `"${p}"`).join(' ')}`);
  return parsed;
}

export function required(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value === '') throw new UsageError(`${command}: --${flag} is required`);
  return value;
}

/** `--out DIR`: required, and a folder if it exists (it is created when the first file is written). */
export function outputFolder(value: string | undefined, command: string): string {
  const dir = required(value, 'out', command);
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) fail(`${command}: --out ${dir} is a file, not a folder`);
  return dir;
}

/** `--param k=v` (v a number or a comma-separated list of numbers). */
export function parseParams(list: string[] | undefined): Record<string, number | number[]> {
  const params: Record<string, number | number[]> = {};
  for (const item of list ?? []) {
    const m = /^([A-Za-z_][\w-]*)=(.+)$/.exec(item);
    if (!m) fail(`--param ${item}: expected key=value`);
    const values = m[2].split(',').map((v) => Number(v.trim()));
    if (values.some((v) => !Number.isFinite(v) || m[2].trim() === '')) fail(`--param ${item}: value must be a number or a comma-separated list of numbers`);
    if (m[1] in params) fail(`--param ${m[1]} given twice`);
    params[m[1]] = values.length === 1 ? values[0] : values;
  }
  return params;
}

export function parseTarget(value: string | undefined): TargetSpec {
  if (value === undefined || value === 'predicted') return 'predicted';
  if (!/^\d+$/.test(value)) fail(`--target ${value}: expected "predicted" or a class index`);
  return Number(value);
}

export function parseSeed(value: string | undefined): SeedKind {
  if (value === undefined) return 'logit';
  if (value !== 'logit' && value !== 'one-hot') fail(`--seed ${value}: expected logit or one-hot`);
  return value;
}

function parseMethod(value: string | undefined): AttributionMethod {
  if (value === undefined) return 'lrp';
  if (value !== 'lrp' && value !== 'gradient' && value !== 'gradient-x-input') fail(`--method ${value}: expected lrp, gradient or gradient-x-input`);
  return value;
}

/** The method, and LRP's composite: a missing --composite is a usage error of the command line. */
export function parseMethodAndComposite(method: string | undefined, composite: string | undefined, command: string): { method: AttributionMethod; composite: string | undefined } {
  const parsed = parseMethod(method);
  if (parsed === 'lrp' && !composite) throw new UsageError(`${command}: --composite is required for LRP (a built-in composite's name or a composite YAML file)`);
  return { method: parsed, composite };
}

export function parseProfile(value: string | undefined): ExplainerProfile {
  if (value === undefined) return 'fast';
  if (value !== 'fast' && value !== 'low-memory') fail(`--profile ${value}: expected fast or low-memory`);
  return value;
}

export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) fail(`--${flag} ${value}: expected a positive integer`);
  return Number(value);
}

/** `--format pdf,html`: each named once, in the order given; default every format. */
export function parseFormats(value: string | undefined): ReportFormat[] {
  if (value === undefined) return [...REPORT_FORMATS];
  const formats = value.split(',').map((f) => f.trim());
  for (const f of formats) if (!(REPORT_FORMATS as readonly string[]).includes(f)) fail(`--format ${f}: expected ${REPORT_FORMATS.join(', ')} (comma-separated)`);
  return [...new Set(formats)] as ReportFormat[];
}
