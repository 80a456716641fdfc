/**
 * Segmentation against the generator's exact masks on 200 lesions whose seeds were never used for training
 * (models are trained on sets 1001/1002, tested on 3003; these come from set 4004).
 */
import { describe, expect, it } from 'vitest';
import { loadDermatologyConfig } from '../../../domains/dermatology/config.js';
import { segmentLesion } from '../../../domains/dermatology/features/segmentation.js';
import { generateLesion, imageSeed } from '../../../domains/dermatology/synthetic/generator.js';

const config = loadDermatologyConfig().segmentation;

function jaccard(a: Uint8Array, b: Uint8Array): number {
  let inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) {
    inter += a[i] & b[i];
    union += a[i] | b[i];
  }
  return union === 0 ? 1 : inter / union;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

describe('lesion segmentation', () => {
  it('reaches a median Jaccard ≥ 0.85 against the exact masks of 200 unseen lesions (with their artefacts)', () => {
    const scores: number[] = [];
    for (let i = 0; i < 200; i++) {
      const lesion = generateLesion(imageSeed(4004, i));
      const s = segmentLesion(lesion.rgb, lesion.width, lesion.height, config);
      scores.push(jaccard(s.extent.data, lesion.mask.data));
    }
    const m = median(scores);
    console.log(`segmentation Jaccard: median ${m.toFixed(3)}, ≥ 0.7 on ${scores.filter((j) => j >= 0.7).length}/200`);
    expect(m).toBeGreaterThanOrEqual(0.85);
    // Most lesions, not just the median, are found.
    expect(scores.filter((j) => j >= 0.7).length / scores.length).toBeGreaterThan(0.8);
  });

  it('finds no lesion in a blank skin image', () => {
    const size = 64;
    const rgb = new Uint8Array(size * size * 3);
    for (let i = 0; i < size * size; i++) rgb.set([220 + (i % 3), 175 + (i % 5), 145 + (i % 2)], i * 3);
    expect(segmentLesion(rgb, size, size, config).empty).toBe(true);
  });
});
