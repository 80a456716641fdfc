/**
 * YAML a user or the project wrote, with one-line errors naming the file.
 *
 * The build parses the project's own YAML (domain configs, model cards, locale messages, fonts, demo cases) and
 * keeps each result as JSON in dist/yaml, named by the SHA-256 of the text and the `yaml` version that parsed it
 * (precompileYaml). A process whose file has the same text reads that JSON instead of loading and running the YAML
 * parser: about 150 ms of every command's and every batch worker's start-up. Any other text (a user's file, an
 * edited one, another `yaml` version) is parsed here, so the result is the same either way; a test checks that.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fail } from '../errors.js';
import { packagePath } from '../paths.js';
import { writeFileAtomic } from './atomic.js';
import { readFileOrFail } from './read.js';

const require = createRequire(import.meta.url);
export const PARSED_YAML_DIR = packagePath('dist', 'yaml');

// Loaded on the first text the build did not parse: most processes never need the parser.
let yaml: typeof import('yaml') | null = null;
let yamlVersion: string | null = null;

/** Where the build keeps a text's parse. */
export function parsedYamlFile(text: string, dir = PARSED_YAML_DIR): string {
  yamlVersion ??= (require('yaml/package.json') as { version: string }).version;
  return path.join(dir, `${createHash('sha256').update(`yaml ${yamlVersion}\u0000${text}`).digest('hex')}.json`);
}

/** A YAML text's value; `source` names it in the error if it is not valid YAML. */
export function parseYaml(text: string, source: string, dir = PARSED_YAML_DIR): unknown {
  let json: string | null = null;
  try {
    json = fs.readFileSync(parsedYamlFile(text, dir), 'utf8');
  } catch {
    // Not parsed by the build: parsed below.
  }
  if (json !== null) {
    try {
      return JSON.parse(json) as unknown;
    } catch {
      // A damaged file: parsed below instead.
    }
  }
  yaml ??= require('yaml') as typeof import('yaml');
  try {
    return yaml.parse(text) as unknown;
  } catch (e) {
    fail(`${source}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
}

export function readYamlFile(file: string, what: string): unknown {
  return parseYaml(readFileOrFail(file, what).toString('utf8'), file);
}

/**
 * Build step: the parse of every YAML file under `folders`, for parseYaml to find. A text whose value JSON cannot
 * carry exactly (.inf, .nan, -0) and a text that is not valid YAML are left to be parsed at run time. Returns how
 * many files were kept; files of earlier builds are removed.
 */
export function precompileYaml(folders: readonly string[], dir = PARSED_YAML_DIR): number {
  yaml ??= require('yaml') as typeof import('yaml');
  const kept = new Set<string>();
  for (const file of folders.flatMap(yamlFilesUnder)) {
    const text = fs.readFileSync(file, 'utf8');
    let value: unknown;
    try {
      value = yaml.parse(text);
    } catch {
      continue;
    }
    const json = JSON.stringify(value);
    if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) continue;
    const target = parsedYamlFile(text, dir);
    writeFileAtomic(target, json);
    kept.add(path.basename(target));
  }
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) if (f.endsWith('.json') && !kept.has(f)) fs.rmSync(path.join(dir, f));
  return kept.size;
}

function yamlFilesUnder(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(folder, f));
}
