/** Reads a YAML file a user or the project wrote: one-line errors naming the file. */
import fs from 'node:fs';
import YAML from 'yaml';
import { fail } from '../errors.js';

export function readYamlFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    fail(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return YAML.parse(text);
  } catch (e) {
    fail(`${file}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
}
