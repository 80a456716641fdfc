/** Relevance shares on hand-made cases where the answer is known. */
import { describe, expect, it } from 'vitest';
import { loadDermatologyConfig } from '../../../domains/dermatology/config.js';
import { channelSum } from '../../../src/imaging/colormap.js';
import { decisionSign, relevanceRegion, relevanceShares, shortcutSuspected } from '../../../domains/dermatology/features/relevance.js';
import { maskArea } from '../../../src/imaging/mask.js';

// 6 × 6 image, lesion = the 2 × 2 block at rows 2–3, columns 2–3.
const width = 6, height = 6;
function block() {
  const mask = { width, height, data: new Uint8Array(36) };
  for (const [y, x] of [[2, 2], [2, 3], [3, 2], [3, 3]]) mask.data[y * width + x] = 1;
  return mask;
}
function caseMap() {
  const relevance = new Float32Array(2 * 36);
  relevance[2 * 6 + 2] = 3; // inside, channel 0
  relevance[36 + 2 * 6 + 2] = 1; // inside, channel 1 → 4 in total
  relevance[0] = 4; // corner (0, 0): outside, far from the border
  relevance[5 * 6 + 5] = -10; // corner (5, 5): outside, against the positive class
  return channelSum(relevance, 2, height, width);
}

describe('relevance shares', () => {
  it('sums channels, counts only positive relevance, and splits it into inside and border band', () => {
    const map = caseMap();
    expect(map[2 * 6 + 2]).toBe(4);
    const shares = relevanceShares(map, block(), 1);
    expect(shares.inside).toBeCloseTo(0.5, 10);
    // With a 1-px band, the inside pixel (2, 2) is on the border band, the corner is not.
    expect(shares.borderBand).toBeCloseTo(0.5, 10);
    // Magnitude counts both signs: 4 of |4| + |4| + |−10| = 18 lies inside.
    expect(shares.insideMagnitude).toBeCloseTo(4 / 18, 10);
    expect(relevanceShares(new Float32Array(36), block(), 1)).toEqual({ inside: 0, insideMagnitude: 0, borderBand: 0 });
  });

  it('explains a negative decision with the negated relevance; the magnitude share does not depend on the sign', () => {
    const map = caseMap();
    // For "benign" (sign −1) the only positive evidence is the −10 at (5, 5), outside and off the border band.
    const benign = relevanceShares(map, block(), 1, -1);
    expect(benign.inside).toBe(0);
    expect(benign.borderBand).toBe(0);
    expect(benign.insideMagnitude).toBeCloseTo(relevanceShares(map, block(), 1, 1).insideMagnitude, 10);
  });

  it('takes the decision sign from the operating threshold, not from 0.5', () => {
    expect(decisionSign(0.3, 0.24)).toBe(1);
    expect(decisionSign(0.24, 0.24)).toBe(1);
    expect(decisionSign(0.2, 0.24)).toBe(-1);
  });

  it('widens the extent by the margin (disc footprint) to form the region', () => {
    const mask = block();
    expect(relevanceRegion(mask, 0).data).toEqual(mask.data);
    // Radius 1 adds the 8 edge neighbours of the 2 × 2 block, not its diagonal corners.
    const region = relevanceRegion(mask, 1);
    expect(maskArea(region)).toBe(12);
    expect(region.data[1 * 6 + 1]).toBe(0);
    expect(region.data[1 * 6 + 2]).toBe(1);
  });

  it('flags a possible shortcut strictly below the configured minimums', () => {
    const config = loadDermatologyConfig().relevance;
    // The block must exist and be a share, else every case would be flagged (or none).
    expect(config.min_inside_share).toBeGreaterThan(0);
    expect(config.min_inside_share).toBeLessThan(1);
    expect(Number.isInteger(config.margin_px) && config.margin_px >= 0).toBe(true);
    expect(Number.isInteger(config.band_px) && config.band_px >= 0).toBe(true);
    expect(config.min_positive_inside_share).toBeGreaterThan(0);
    expect(config.min_positive_inside_share).toBeLessThan(1);
    const at = (insideMagnitude: number, inside = 1) => ({ inside, insideMagnitude, borderBand: 0 });
    for (const flagged of [false, true]) {
      expect(shortcutSuspected(at(config.min_inside_share - 0.01), config, flagged)).toBe('magnitude');
      expect(shortcutSuspected(at(config.min_inside_share), config, flagged)).toBeNull();
    }
    // The positive share counts for a lesion the model flags only (a low score has little positive relevance).
    expect(shortcutSuspected(at(1, config.min_positive_inside_share - 0.01), config, false)).toBeNull();
    expect(shortcutSuspected(at(1, config.min_positive_inside_share - 0.01), config, true)).toBe('positive');
    expect(shortcutSuspected(at(1, config.min_positive_inside_share), config, true)).toBeNull();
  });
});
