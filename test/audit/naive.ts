/** A naive RFC 6962 §2.1 reference written from the RFC's recursive definitions, recomputing everything from scratch. */
import { createHash } from 'node:crypto';

export const H = (...parts: (number[] | Buffer)[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(Buffer.from(p));
  return h.digest();
};

// Over raw leaf data (not leaf hashes): MTH, PATH and SUBPROOF exactly as RFC 6962 §2.1 defines them.
const pow2Below = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1);
export function naiveMth(d: readonly Buffer[]): Buffer {
  if (d.length === 0) return H([]);
  if (d.length === 1) return H([0], d[0]);
  const k = pow2Below(d.length);
  return H([1], naiveMth(d.slice(0, k)), naiveMth(d.slice(k)));
}
export function naivePath(m: number, d: readonly Buffer[]): Buffer[] {
  if (d.length === 1) return [];
  const k = pow2Below(d.length);
  return m < k ? [...naivePath(m, d.slice(0, k)), naiveMth(d.slice(k))] : [...naivePath(m - k, d.slice(k)), naiveMth(d.slice(0, k))];
}
export function naiveSubproof(m: number, d: readonly Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [naiveMth(d)];
  const k = pow2Below(d.length);
  return m <= k ? [...naiveSubproof(m, d.slice(0, k), b), naiveMth(d.slice(k))] : [...naiveSubproof(m - k, d.slice(k), false), naiveMth(d.slice(0, k))];
}
/** An independent inclusion check: rebuild the root top-down along the recursive decomposition. */
export function naiveRootFromPath(leaf: Buffer, m: number, n: number, path: readonly Buffer[]): Buffer | null {
  if (n === 1) return path.length === 0 ? leaf : null;
  if (path.length === 0) return null;
  const k = pow2Below(n);
  const sibling = path[path.length - 1];
  const rest = path.slice(0, -1);
  const sub = m < k ? naiveRootFromPath(leaf, m, k, rest) : naiveRootFromPath(leaf, m - k, n - k, rest);
  return sub === null ? null : m < k ? H([1], sub, sibling) : H([1], sibling, sub);
}
export const naiveInclusion = (leaf: Buffer, m: number, n: number, path: readonly Buffer[], root: Buffer): boolean =>
  m >= 0 && m < n && (naiveRootFromPath(leaf, m, n, path)?.equals(root) ?? false);
/** An independent consistency check: rebuild both heads top-down along SUBPROOF's decomposition. */
export function naiveHeads(m: number, n: number, proof: readonly Buffer[], complete: boolean, firstRoot: Buffer): [Buffer, Buffer] | null {
  if (m === n) {
    if (complete) return proof.length === 0 ? [firstRoot, firstRoot] : null;
    return proof.length === 1 ? [proof[0], proof[0]] : null;
  }
  if (proof.length === 0) return null;
  const k = pow2Below(n);
  const last = proof[proof.length - 1];
  if (m <= k) {
    const sub = naiveHeads(m, k, proof.slice(0, -1), complete, firstRoot);
    return sub && [sub[0], H([1], sub[1], last)];
  }
  const sub = naiveHeads(m - k, n - k, proof.slice(0, -1), false, firstRoot);
  return sub && [H([1], last, sub[0]), H([1], last, sub[1])];
}
export const naiveConsistency = (m: number, n: number, rootM: Buffer, rootN: Buffer, proof: readonly Buffer[]): boolean => {
  if (m < 1 || m >= n) return false;
  const heads = naiveHeads(m, n, proof, true, rootM);
  return heads !== null && heads[0].equals(rootM) && heads[1].equals(rootN);
};

