/**
 * A small seeded PRNG (mulberry32) with normal draws (Box–Muller): the same seed gives the same sequence on
 * every machine, which the synthetic data and the tests rely on. Math.random is never used for data.
 */
export interface Random {
  uniform(): number;
  range(lo: number, hi: number): number;
  int(lo: number, hiInclusive: number): number;
  normal(): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  normals(n: number, scale?: number): Float32Array;
  uniforms(n: number, lo?: number, hi?: number): Float32Array;
}

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  return {
    uniform,
    range: (lo, hi) => lo + (hi - lo) * uniform(),
    int: (lo, hi) => lo + Math.floor(uniform() * (hi - lo + 1)),
    normal,
    chance: (p) => uniform() < p,
    pick: (items) => items[Math.floor(uniform() * items.length)],
    normals: (n, scale = 1) => Float32Array.from({ length: n }, () => normal() * scale),
    uniforms: (n, lo = 0, hi = 1) => Float32Array.from({ length: n }, () => lo + (hi - lo) * uniform()),
  };
}
