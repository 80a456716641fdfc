/** What a batch runs over: every case file of a folder (sorted), or every data row of one CSV file. */
import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { csvRecords } from '../io/csv.js';
import { readUtf8File } from '../io/read.js';
import type { CaseRef } from '../domain/plugin.js';

export interface BatchCase {
  /** Stable identity of the case within the batch (file, and row for CSV): the journal's key. */
  readonly key: string;
  readonly ref: CaseRef;
}

const CASE_FILE = /\.(ya?ml|json)$/i;

export function listCases(source: string): BatchCase[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch {
    fail(`--cases: ${source} does not exist`);
  }
  if (stat.isDirectory()) {
    const files = fs.readdirSync(source).filter((f) => CASE_FILE.test(f)).sort();
    if (files.length === 0) fail(`--cases: ${source} holds no case files (.yaml, .yml, .json)`);
    return files.map((f) => ({ key: f, ref: { file: path.resolve(source, f) } }));
  }
  if (/\.csv$/i.test(source)) {
    const rows = csvRecords(readUtf8File(source, 'cases'), source).length;
    if (rows === 0) fail(`--cases: ${source} has a header but no data rows`);
    const base = path.basename(source);
    return Array.from({ length: rows }, (_, i) => ({ key: `${base}#${i + 1}`, ref: { file: path.resolve(source), row: i + 1 } }));
  }
  fail(`--cases: ${source} must be a folder of case files or a .csv file`);
}
