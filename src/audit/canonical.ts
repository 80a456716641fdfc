/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the bytes every audit digest and signature is computed over.
 * Written here rather than taken from npm (`canonicalize`) because it is small, the project's dependency
 * list is not ours to change, and we want stricter input rules than JCS itself: I-JSON only (no lone
 * surrogates), no silently dropped `undefined`, no `toJSON` magic, no `__proto__` keys (prototype pollution
 * on the reader's side), no cycles.
 */

/** Canonical JSON text of a plain JSON value; throws a TypeError naming the JSON path of anything else. */
export function canonicalize(value: unknown): string {
  const path: (string | number)[] = [];
  try {
    return serialize(value, path, []);
  } catch (e) {
    if (e instanceof Refused) throw new TypeError(`$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}: ${e.message}`);
    throw e;
  }
}

class Refused extends Error {}

// `path` (for the message) and `open` (ancestors, for cycles) are stacks kept in step with the recursion;
// nothing is built per member unless something is refused (this runs on every line of every log read).
function serialize(value: unknown, path: (string | number)[], open: object[]): string {
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Refused(`${value} has no JSON form`);
      // ECMAScript Number::toString is exactly RFC 8785 §3.2.2.3 (and gives "0" for -0).
      return String(value);
    case 'string':
      return serializeString(value);
    case 'object':
      break;
    default:
      throw new Refused(`${typeof value} is not JSON`);
  }
  if (value === null) return 'null';
  if (open.includes(value)) throw new Refused('cycle');
  open.push(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      if (!(i in value)) throw new Refused('hole in array');
      out += (i ? ',' : '') + serialize(value[i], path, open);
      path.pop();
    }
    out += ']';
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new Refused('not a plain object');
    // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
    const keys = Object.keys(value).sort();
    out = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      path.push(key);
      if (key === '__proto__') throw new Refused('"__proto__" key refused');
      const member = (value as Record<string, unknown>)[key];
      if (member === undefined) throw new Refused('undefined is not JSON');
      out += (i ? ',' : '') + serializeString(key) + ':' + serialize(member, path, open);
      path.pop();
    }
    out += '}';
  }
  open.pop();
  return out;
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

function serializeString(s: string): string {
  // I-JSON (RFC 7493), which JCS requires: strings are valid Unicode.
  if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) throw new Refused('lone surrogate in string');
  // JSON.stringify escapes exactly as RFC 8785 §3.2.2.2 prescribes (\b \t \n \f \r, other controls \u00xx);
  // most strings need no escape at all.
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * True when `text` is certainly the canonical form of `value` = JSON.parse(text); false means "not shown", and the
 * caller compares with canonicalize. Every line of a log is checked on every read, and V8's native JSON.stringify
 * is an order of magnitude faster than canonicalize: its output is RFC 8785's but for key order (checked here) and
 * lone surrogates and "__proto__" keys (which JCS or this module refuse; left to canonicalize).
 */
export function certainlyCanonical(text: string, value: unknown): boolean {
  return !MAYBE_LONE_SURROGATE.test(text) && JSON.stringify(value) === text && keysInOrder(value);
}

// JSON.stringify writes a lone surrogate as \udXXX; canonical text writes every other character as itself.
const MAYBE_LONE_SURROGATE = /\\u[dD][89a-fA-F]/;

function keysInOrder(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(keysInOrder);
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] === '__proto__' || (i > 0 && !(keys[i - 1] < keys[i]))) return false;
    if (!keysInOrder((value as Record<string, unknown>)[keys[i]])) return false;
  }
  return true;
}
