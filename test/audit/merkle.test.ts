/**
 * RFC 6962/9162 trees against (1) trees hashed by hand, (2) the Certificate Transparency test vectors
 * (certificate-transparency / trillian merkle tests) and (3) a naive implementation of the RFC's recursive
 * definitions written here from scratch, for every size 1..40.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, leafHash, merkleTree, nodeHash, treeFrontier, verifyConsistency, verifyInclusion } from '../../src/audit/merkle.js';
import { H, naiveConsistency, naiveInclusion, naiveMth, naivePath, naiveRootFromPath, naiveSubproof } from './naive.js';

const hex = (bs: readonly Buffer[]): string[] => bs.map((b) => b.toString('hex'));
const unhex = (hs: readonly string[]): Buffer[] => hs.map((h) => Buffer.from(h, 'hex'));

const data = Array.from({ length: 40 }, (_, i) => Buffer.from(`leaf ${i} ${'x'.repeat(i % 7)}`));
const tree = merkleTree(data.map(leafHash));

describe('RFC 6962 hashing by hand', () => {
  const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((s) => Buffer.from(s));
  const la = H([0], a), lb = H([0], b), lc = H([0], c), ld = H([0], d), le = H([0], e);
  const t = merkleTree([a, b, c, d, e].map(leafHash));

  it('leaf and node prefixes', () => {
    expect(leafHash(a).equals(la)).toBe(true);
    expect(nodeHash(la, lb).equals(H([1], la, lb))).toBe(true);
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('heads for 0..5 leaves: the left subtree is the largest power of two below n', () => {
    const ab = H([1], la, lb);
    const abcd = H([1], ab, H([1], lc, ld));
    expect(t.root(0).equals(EMPTY_ROOT)).toBe(true);
    expect(t.root(1).equals(la)).toBe(true);
    expect(t.root(2).equals(ab)).toBe(true);
    expect(t.root(3).equals(H([1], ab, lc))).toBe(true);
    expect(t.root(4).equals(abcd)).toBe(true);
    expect(t.root(5).equals(H([1], abcd, le))).toBe(true);
  });

  it('proofs in a 5-leaf tree', () => {
    expect(hex(t.inclusionProof(2, 5))).toEqual(hex([ld, H([1], la, lb), le]));
    expect(hex(t.inclusionProof(4, 5))).toEqual(hex([H([1], H([1], la, lb), H([1], lc, ld))]));
    expect(hex(t.consistencyProof(3, 5))).toEqual(hex([lc, ld, H([1], la, lb), le]));
    expect(hex(t.consistencyProof(4, 5))).toEqual(hex([le]));
    expect(hex(t.consistencyProof(5, 5))).toEqual([]);
  });
});

describe('Certificate Transparency test vectors', () => {
  const leaves = unhex(['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f']);
  const roots = [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];
  const ct = merkleTree(leaves.map(leafHash));
  const root = (n: number) => Buffer.from(roots[n - 1], 'hex');

  it('roots for sizes 1..8', () => {
    expect(roots.map((_, i) => ct.root(i + 1).toString('hex'))).toEqual(roots);
  });

  it('inclusion proofs', () => {
    const cases: [number, number, string[]][] = [
      [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
      [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
      [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
      [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
    ];
    for (const [index, size, path] of cases) {
      expect(hex(ct.inclusionProof(index, size))).toEqual(path);
      expect(verifyInclusion(leafHash(leaves[index]), index, size, unhex(path), root(size))).toBe(true);
    }
  });

  it('consistency proofs', () => {
    const cases: [number, number, string[]][] = [
      [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
      [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
      [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
    ];
    for (const [m, n, proof] of cases) {
      expect(hex(ct.consistencyProof(m, n))).toEqual(proof);
      expect(verifyConsistency(m, n, root(m), root(n), unhex(proof))).toBe(true);
    }
  });
});

describe('against the naive reference, every size 1..40', () => {
  it('tree heads', () => {
    for (let n = 1; n <= 40; n++) expect(tree.root(n).toString('hex'), `n=${n}`).toBe(naiveMth(data.slice(0, n)).toString('hex'));
  });

  it('every inclusion proof of every leaf: equal to the naive path, verified both ways, tampering fails', () => {
    let checked = 0;
    for (let n = 1; n <= 40; n++) {
      const root = naiveMth(data.slice(0, n));
      for (let m = 0; m < n; m++) {
        const leaf = H([0], data[m]);
        const path = tree.inclusionProof(m, n);
        expect(hex(path), `m=${m} n=${n}`).toEqual(hex(naivePath(m, data.slice(0, n))));
        expect(naiveRootFromPath(leaf, m, n, path)?.equals(root)).toBe(true);
        expect(verifyInclusion(leaf, m, n, path, root), `m=${m} n=${n}`).toBe(true);
        for (const bad of tamperedPaths(path, root)) expect(verifyInclusion(leaf, m, n, bad, root)).toBe(false);
        // Another index or size: the same verdict as the naive check (a size whose tree has the same shape
        // along this path legitimately verifies: the signed checkpoint, not the path, pins the size).
        for (let other = 0; other < n + 2; other++) if (other !== m) expect(verifyInclusion(leaf, other, n, path, root), `index ${other} for ${m}`).toBe(false);
        for (const size of [n - 1, n + 1, 2 * n, Math.floor(n / 2)]) expect(verifyInclusion(leaf, m, size, path, root), `size ${size} for ${n}`).toBe(naiveInclusion(leaf, m, size, path, root));
        expect(verifyInclusion(H([0], Buffer.from('other')), m, n, path, root)).toBe(false);
        checked++;
      }
    }
    expect(checked).toBe(820);
  });

  it('every consistency proof for m < n ≤ 40: equal to the naive proof, verified, tampering fails', () => {
    let checked = 0;
    for (let n = 2; n <= 40; n++) {
      const rootN = naiveMth(data.slice(0, n));
      for (let m = 1; m < n; m++) {
        const rootM = naiveMth(data.slice(0, m));
        const proof = tree.consistencyProof(m, n);
        expect(hex(proof), `m=${m} n=${n}`).toEqual(hex(naiveSubproof(m, data.slice(0, n), true)));
        expect(verifyConsistency(m, n, rootM, rootN, proof), `m=${m} n=${n}`).toBe(true);
        for (const bad of tamperedPaths(proof, rootN)) expect(verifyConsistency(m, n, rootM, rootN, bad)).toBe(false);
        expect(verifyConsistency(m, n, rootN, rootM, proof)).toBe(false);
        expect(verifyConsistency(m, n, rootM, naiveMth(data.slice(0, n - 1)), proof)).toBe(false);
        expect(verifyConsistency(m, n, m > 1 ? naiveMth(data.slice(0, m - 1)) : EMPTY_ROOT, rootN, proof)).toBe(false);
        expect(verifyConsistency(n, m, rootN, rootM, proof)).toBe(false);
        expect(naiveConsistency(m, n, rootM, rootN, proof)).toBe(true);
        for (const [m2, n2] of [[m - 1, n], [m + 1, n], [m, n + 1], [m, n - 1], [m, 2 * n], [m ^ 2, n]]) {
          expect(verifyConsistency(m2, n2, rootM, rootN, proof), `sizes ${m2},${n2} for ${m},${n}`).toBe(naiveConsistency(m2, n2, rootM, rootN, proof));
        }
        checked++;
      }
    }
    expect(checked).toBe(780);
  });

  it('edge cases: equal sizes, the empty tree, out-of-range arguments', () => {
    const r5 = tree.root(5);
    expect(verifyConsistency(5, 5, r5, r5, [])).toBe(true);
    expect(verifyConsistency(5, 5, r5, tree.root(6), [])).toBe(false);
    expect(verifyConsistency(5, 5, r5, r5, [r5])).toBe(false);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, r5, [])).toBe(true);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, r5, [r5])).toBe(false);
    expect(verifyConsistency(3, 5, tree.root(3), r5, [])).toBe(false);
    expect(verifyInclusion(leafHash(data[0]), 0, 0, [], EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(leafHash(data[0]), 0, 1, [], tree.root(1))).toBe(true);
    expect(verifyInclusion(leafHash(data[0]), -1, 1, [], tree.root(1))).toBe(false);
    expect(verifyInclusion(leafHash(data[0]), 0, 1, [Buffer.alloc(31)], tree.root(1))).toBe(false);
    expect(() => tree.inclusionProof(5, 5)).toThrow(RangeError);
    expect(() => tree.root(41)).toThrow(RangeError);
    expect(() => tree.consistencyProof(6, 5)).toThrow(RangeError);
  });
});

/** Every single-element change, a dropped or an extra element. */
function tamperedPaths(path: readonly Buffer[], root: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  path.forEach((p, i) => {
    const flipped = Buffer.from(p);
    flipped[i % 32] ^= 0x01;
    out.push(path.map((q, j) => (j === i ? flipped : q)));
    out.push(path.map((q, j) => (j === i ? EMPTY_ROOT : q)));
  });
  if (path.length > 0) {
    out.push(path.slice(0, -1), path.slice(1));
    if (path.length > 1) out.push([path[1], path[0], ...path.slice(2)]);
  }
  out.push([...path, root], [root, ...path], [...path, EMPTY_ROOT]);
  return out;
}

describe('tree frontier (the head kept while appending, without the leaves)', () => {
  it('its head after each of 0..70 appends is the naive MTH; a copy grows on its own', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => Buffer.from(`frontier leaf ${i}`));
    const frontier = treeFrontier();
    expect(frontier.root().equals(EMPTY_ROOT)).toBe(true);
    for (let n = 1; n <= leaves.length; n++) {
      frontier.push(leafHash(leaves[n - 1]));
      expect(frontier.size()).toBe(n);
      expect(frontier.root().toString('hex'), `n=${n}`).toBe(naiveMth(leaves.slice(0, n)).toString('hex'));
    }
    const copy = frontier.copy();
    copy.push(leafHash(Buffer.from('one more')));
    expect(copy.root().toString('hex')).toBe(naiveMth([...leaves, Buffer.from('one more')]).toString('hex'));
    expect(frontier.size()).toBe(70);
    expect(frontier.root().toString('hex')).toBe(naiveMth(leaves).toString('hex'));
  });
});
