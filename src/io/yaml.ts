/** Reads a YAML file a user or the project wrote: one-line errors naming the file. */
import YAML from 'yaml';
import { fail } from '../errors.js';
import { readFileOrFail } from './read.js';

export function readYamlFile(file: string, what: string): unknown {
  const text = readFileOrFail(file, what).toString('utf8');
  try {
    return YAML.parse(text);
  } catch (e) {
    fail(`${file}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
}
