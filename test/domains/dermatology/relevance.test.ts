/** Relevance shares on a hand-made case where the answer is known. */
import { describe, expect, it } from 'vitest';
import { relevanceMap, relevanceShares } from '../../../domains/dermatology/features/relevance.js';

describe('relevance shares', () => {
  it('sums channels, counts only positive relevance, and splits it into inside and border band', () => {
    // 6 × 6 image, lesion = the 2 × 2 block at rows 2–3, columns 2–3.
    const width = 6, height = 6;
    const mask = { width, height, data: new Uint8Array(36) };
    for (const [y, x] of [[2, 2], [2, 3], [3, 2], [3, 3]]) mask.data[y * width + x] = 1;
    const relevance = new Float32Array(2 * 36);
    relevance[2 * 6 + 2] = 3; // inside, channel 0
    relevance[36 + 2 * 6 + 2] = 1; // inside, channel 1 → 4 in total
    relevance[0] = 4; // corner (0, 0): outside, far from the border
    relevance[5 * 6 + 5] = -10; // negative: never counted
    const map = relevanceMap(relevance, 2, height, width);
    expect(map[2 * 6 + 2]).toBe(4);
    const shares = relevanceShares(map, mask, 1);
    expect(shares.inside).toBeCloseTo(0.5, 10);
    // With a 1-px band, the inside pixel (2, 2) is on the border band, the corner is not.
    expect(shares.borderBand).toBeCloseTo(0.5, 10);
    expect(relevanceShares(new Float32Array(36), mask, 1)).toEqual({ inside: 0, borderBand: 0 });
  });
});
