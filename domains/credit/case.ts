/**
 * An applicant case from YAML, JSON or a one-row CSV, checked at the boundary: strict UTF-8, no reserved
 * JavaScript keys, the credit-case schema (lengths, shapes). Levels, ranges and required attributes come from
 * the model card and are checked when the case is encoded (src/models/tabular-encoder.ts).
 */
import path from 'node:path';
import { fail } from '../../src/errors.js';
import { readUtf8File } from '../../src/io/read.js';
import { parseYaml } from '../../src/io/yaml.js';
import { validateWith } from '../../src/schemas/validate.js';
import { csvRecords } from '../../src/io/csv.js';

export interface CreditCase {
  readonly id?: string;
  readonly applicant?: { readonly name?: string; readonly address?: string };
  readonly date?: string;
  readonly attributes: Readonly<Record<string, string | number>>;
}

/** CSV columns that describe the case rather than the applicant's attributes. */
const CSV_META = { id: 'id', applicant_name: 'name', applicant_address: 'address', date: 'date' } as const;
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function readCreditCase(file: string): CreditCase {
  const text = readUtf8File(file, 'credit case');
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') {
    const records = csvRecords(text, file);
    if (records.length !== 1) fail(`${file}: a case CSV holds a header and exactly one applicant row (found ${records.length} rows)`);
    return caseFromCsvRecord(records[0], file);
  }
  if (ext === '.json') return parseCreditCase(parseWith(() => JSON.parse(text) as unknown, file, 'JSON'), file);
  if (ext === '.yaml' || ext === '.yml') return parseCreditCase(parseYaml(text, file), file);
  fail(`${file}: a case is .yaml, .yml, .json or .csv (got ${ext || 'no extension'})`);
}

function parseWith(parse: () => unknown, file: string, what: string): unknown {
  try {
    return parse();
  } catch (e) {
    fail(`${file}: not valid ${what} (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Checks a parsed case: reserved keys anywhere, then the schema. */
export function parseCreditCase(value: unknown, source: string): CreditCase {
  rejectReservedKeys(value, '', source);
  return validateWith<CreditCase>('credit-case.schema.json', value, source);
}

/** One CSV record: meta columns (id, applicant_name, applicant_address, date) and attributes. */
export function caseFromCsvRecord(record: Readonly<Record<string, string>>, source: string): CreditCase {
  rejectReservedKeys(record, '', source);
  const attributes: Record<string, string> = {};
  const applicant: Record<string, string> = {};
  const meta: Record<string, string> = {};
  for (const [column, value] of Object.entries(record)) {
    if (value === '') continue; // an empty cell is a missing value, reported by the encoder if the model needs it
    if (column === 'applicant_name' || column === 'applicant_address') applicant[CSV_META[column]] = value;
    else if (column === 'id' || column === 'date') meta[column] = value;
    else attributes[column] = value;
  }
  return parseCreditCase({ ...meta, ...(Object.keys(applicant).length > 0 ? { applicant } : {}), attributes }, source);
}

function rejectReservedKeys(value: unknown, at: string, source: string): void {
  if (typeof value !== 'object' || value === null) return;
  for (const key of Object.keys(value)) {
    const field = at ? `${at}.${key}` : key;
    if (RESERVED_KEYS.has(key)) fail(`${source}: field ${field} is not allowed (reserved name)`);
    rejectReservedKeys((value as Record<string, unknown>)[key], field, source);
  }
}

/** Case attributes the model does not use (listed in the context, never fed to the model). */
export function unusedAttributes(creditCase: CreditCase, used: readonly string[]): string[] {
  return Object.keys(creditCase.attributes).filter((k) => !used.includes(k)).sort();
}
