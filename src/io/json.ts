/**
 * JSON files handed to the audit commands (proofs, bundles, kept checkpoints): parsed strictly. JSON.parse keeps
 * the last of two equal keys without a word, while another reader may keep the first; a proof must read the same
 * to everyone who checks it, so a key twice in one object is refused.
 */
import { fail } from '../errors.js';
import { readUtf8File } from './read.js';

/** `label` names the file in messages (default: its name; e.g. `--known FILE`). */
export function readJsonFile(file: string, what: string, label = file): unknown {
  const text = readUtf8File(file, what);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail(`${label}: not JSON`);
  }
  const twice = duplicateKey(text);
  if (twice !== null) fail(`${label}: the key ${JSON.stringify(twice)} appears twice in one object (JSON readers differ on which one counts)`);
  return value;
}

/** The first key that appears twice in one object of a valid JSON text (keys compared after unescaping), or null. */
export function duplicateKey(text: string): string | null {
  // One entry per open container: the keys seen so far in an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const keys = open[open.length - 1];
      if (keyNext && keys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      keyNext = false;
      i = end;
    } else if (c === '{' || c === '[') {
      open.push(c === '{' ? new Set() : null);
      keyNext = c === '{';
    } else if (c === '}' || c === ']') {
      open.pop();
    } else if (c === ',') {
      keyNext = open[open.length - 1] instanceof Set;
    }
  }
  return null;
}
