/**
 * RFC 6962 / RFC 9162 §2.1 Merkle tree hashing: tree heads, inclusion proofs (audit paths) and consistency
 * proofs, and their verification. Generation follows the RFC's recursive definitions; verification follows its
 * iterative algorithms literally (§2.1.3.2, §2.1.4.2). Hashes are 32-byte Buffers.
 */
import { sha256 } from './hash.js';

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function leafHash(leaf: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, leaf);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/** MTH({}): the hash of the empty string. */
export const EMPTY_ROOT = sha256();

export interface MerkleTree {
  readonly size: number;
  /** MTH(D[0:n]), the tree head after the first n leaves (default: all). */
  root(n?: number): Buffer;
  /** PATH(index, D[0:n]). */
  inclusionProof(index: number, n?: number): Buffer[];
  /** PROOF(m, D[0:n]) for 0 ≤ m ≤ n (empty when m is 0 or n). */
  consistencyProof(m: number, n?: number): Buffer[];
}

/**
 * A tree over leaf hashes (already `leafHash`ed). The hashes of complete, aligned subtrees are computed once
 * (levels[h][i] = MTH of leaves [i·2^h, (i+1)·2^h)), so heads and proofs for any prefix cost O(log² n).
 */
export function merkleTree(leafHashes: readonly Buffer[]): MerkleTree {
  const levels: Buffer[][] = [leafHashes.slice()];
  for (let h = 0; levels[h].length > 1; h++) {
    const below = levels[h];
    const above: Buffer[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) above.push(nodeHash(below[i], below[i + 1]));
    levels.push(above);
  }
  const size = leafHashes.length;

  // MTH(D[lo:hi]) for the ranges the RFC recursion visits: lo is a multiple of the largest power of two ≤ hi−lo.
  const mth = (lo: number, hi: number): Buffer => {
    const n = hi - lo;
    if (n === 0) return EMPTY_ROOT;
    if ((n & (n - 1)) === 0) return levels[Math.log2(n)][lo / n];
    const k = splitPoint(n);
    return nodeHash(mth(lo, lo + k), mth(lo + k, hi));
  };

  const path = (m: number, lo: number, hi: number): Buffer[] => {
    const n = hi - lo;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k ? [...path(m, lo, lo + k), mth(lo + k, hi)] : [...path(m - k, lo + k, hi), mth(lo, lo + k)];
  };

  const subproof = (m: number, lo: number, hi: number, complete: boolean): Buffer[] => {
    const n = hi - lo;
    if (m === n) return complete ? [] : [mth(lo, hi)];
    const k = splitPoint(n);
    return m <= k ? [...subproof(m, lo, lo + k, complete), mth(lo + k, hi)] : [...subproof(m - k, lo + k, hi, false), mth(lo, lo + k)];
  };

  const checkSize = (n: number): number => {
    if (!Number.isInteger(n) || n < 0 || n > size) throw new RangeError(`tree size ${n} outside 0..${size}`);
    return n;
  };

  return {
    size,
    root: (n = size) => mth(0, checkSize(n)),
    inclusionProof: (index, n = size) => {
      checkSize(n);
      if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`leaf index ${index} outside 0..${n - 1}`);
      return path(index, 0, n);
    },
    consistencyProof: (m, n = size) => {
      checkSize(n);
      if (!Number.isInteger(m) || m < 0 || m > n) throw new RangeError(`tree size ${m} outside 0..${n}`);
      return m === 0 ? [] : subproof(m, 0, n, true);
    },
  };
}

/**
 * The tree head kept current as leaves are appended, without the leaves: the heads of the perfect subtrees that
 * the binary digits of n cut the tree into, largest first ("peaks"). RFC 6962 splits off the largest power of two,
 * so MTH(D[0:n]) is these peaks folded from the right. An append costs O(log n) hashes amortised, a head O(log n):
 * what a writer needs to sign a checkpoint over a log of any length (merkleTree would rehash every leaf).
 */
export interface TreeFrontier {
  readonly size: () => number;
  push(leafHash: Buffer): void;
  /** MTH(D[0:size]). */
  root(): Buffer;
  /** An independent copy (a writer grows a copy and keeps it only once its lines are written). */
  copy(): TreeFrontier;
}

export function treeFrontier(peaks: readonly { readonly height: number; readonly hash: Buffer }[] = []): TreeFrontier {
  const stack = peaks.slice();
  let size = stack.reduce((n, p) => n + 2 ** p.height, 0);
  return {
    size: () => size,
    push(leafHash) {
      let peak = { height: 0, hash: leafHash };
      // Two peaks of one height are siblings: merge them, as a binary counter carries.
      while (stack.length > 0 && stack[stack.length - 1].height === peak.height) {
        const left = stack.pop()!;
        peak = { height: peak.height + 1, hash: nodeHash(left.hash, peak.hash) };
      }
      stack.push(peak);
      size++;
    },
    root() {
      if (stack.length === 0) return EMPTY_ROOT;
      let head = stack[stack.length - 1].hash;
      for (let i = stack.length - 2; i >= 0; i--) head = nodeHash(stack[i].hash, head);
      return head;
    },
    copy: () => treeFrontier(stack),
  };
}

/** The largest power of two smaller than n (n ≥ 2): RFC 6962's split. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// Sizes and indices go up to 2^53; the RFC's bit operations are done with division to stay exact past 2^31.
const lsb = (x: number): boolean => x % 2 === 1;
const shr = (x: number): number => Math.floor(x / 2);

/** RFC 9162 §2.1.3.2: does `path` prove leaf `leaf` at `index` in the tree of `size` leaves with head `root`? */
export function verifyInclusion(leaf: Uint8Array, index: number, size: number, path: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!isIndex(index) || !isIndex(size) || index >= size || !isHash(leaf) || !isHash(root) || !path.every(isHash)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = shr(fn);
    sn = shr(sn);
  }
  return sn === 0 && Buffer.from(r).equals(root);
}

/**
 * RFC 9162 §2.1.4.2: is the tree of `second` leaves with head `secondRoot` an extension of the tree of `first`
 * leaves with head `firstRoot`? The RFC's algorithm covers 0 < first < second; equal sizes need equal heads and
 * an empty proof, and the empty tree is a prefix of every tree.
 */
export function verifyConsistency(first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!isIndex(first) || !isIndex(second) || first > second || !isHash(firstRoot) || !isHash(secondRoot) || !proof.every(isHash)) return false;
  if (first === second) return proof.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : proof;
  let fn = first - 1;
  let sn = second - 1;
  while (lsb(fn)) {
    fn = shr(fn);
    sn = shr(sn);
  }
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = shr(fn);
    sn = shr(sn);
  }
  return Buffer.from(fr).equals(firstRoot) && Buffer.from(sr).equals(secondRoot) && sn === 0;
}

const isIndex = (x: number): boolean => Number.isSafeInteger(x) && x >= 0;
const isHash = (h: Uint8Array): boolean => h instanceof Uint8Array && h.length === 32;

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
}
