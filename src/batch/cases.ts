/** What a batch runs over: every case file of a folder (sorted), or every data row of one CSV file. */
import { createHash } from 'node:crypto';
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
  /**
   * SHA-256 of what the case reads: the case file's bytes, or the CSV row's cells with their column names. A re-run
   * compares it with the journal's, so a case edited since it was reported is never silently left as it was. (Files
   * a case file names, such as a lesion image, are not included.)
   */
  readonly input: string;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

const CASE_FILE = /\.(ya?ml|json)$/i;

/** `domain` names the domain in errors; `csv`: whether its cases may be the rows of a CSV file (DomainPlugin.csvCases). */
export function listCases(source: string, { domain, csv }: { readonly domain: string; readonly csv: boolean }): BatchCase[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch {
    fail(`--cases: ${source} does not exist`);
  }
  if (stat.isDirectory()) {
    const files = fs.readdirSync(source).filter((f) => CASE_FILE.test(f)).sort();
    if (files.length === 0) fail(`--cases: ${source} holds no case files (.yaml, .yml, .json)`);
    return files.map((f) => {
      const file = path.resolve(source, f);
      return { key: f, ref: { file }, input: sha256(fs.readFileSync(file)) };
    });
  }
  if (/\.csv$/i.test(source)) {
    if (!csv) fail(`--cases: ${source} is a CSV file; ${domain} cases are case files (.yaml, .yml, .json) in a folder`);
    const records = csvRecords(readUtf8File(source, 'cases'), source);
    if (records.length === 0) fail(`--cases: ${source} has a header but no data rows`);
    const base = path.basename(source);
    return records.map((record, i) => ({ key: `${base}#${i + 1}`, ref: { file: path.resolve(source), row: i + 1 }, input: sha256(JSON.stringify(Object.entries(record))) }));
  }
  fail(`--cases: ${source} must be a folder of case files or a .csv file`);
}
