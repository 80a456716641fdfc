/** Seeded random numbers for tests: the project's own PRNG (src/util/random.ts). */
export { seededRandom as rng } from '../../src/util/random.js';
