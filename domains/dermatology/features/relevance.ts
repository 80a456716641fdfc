/**
 * Where the model looked: shares of the relevance (summed over colour channels) inside the lesion region and on
 * a band around its border, and the shortcut check built on them.
 *
 * Sign convention: a single-logit sigmoid model's relevance R explains the logit (evidence for "suspicious");
 * the relevance of a "benign" decision is −R. `sign` (see decisionSign) turns R into evidence for the decision
 * actually taken, so that "positive relevance" means "speaks for this decision".
 *
 * The shortcut check uses the magnitude share Σ_inside |R| / Σ |R| instead of the positive share: it does not
 * depend on which class is explained (|−R| = |R|), and a model that decides by an ink marker puts its largest
 * relevance on the marker whichever way it decides (for "suspicious", or against a "benign" call it makes
 * anyway). The positive share alone misses that second case: the evidence *for* such a benign call lies in the
 * lesion, while the marker's evidence against it is ignored.
 */
import type { Mask } from '../../../src/imaging/mask.js';
import { dilate, principalAxes } from '../../../src/imaging/mask.js';

/** The `relevance:` block of config.yaml. */
export interface RelevanceConfig {
  /** The segmentation's extent is dilated by this many pixels, so that the blurred lesion edge counts as lesion. */
  readonly margin_px: number;
  /** A possible shortcut is flagged when the relevance magnitude inside the region is below this share, */
  readonly min_inside_share: number;
  /**
   * or, when the model flags the lesion, when the share of the positive relevance (what raised the score) inside
   * the region is below this one. Judged only then: a low score has little positive relevance, and where that
   * little lies says nothing (clean-model lesions scored 3–7 % had positive shares of 0–0.5).
   */
  readonly min_positive_inside_share: number;
  /** Half-width (pixels, either side of the region's border) of the border band. */
  readonly band_px: number;
}

export interface RelevanceShares {
  /** Positive relevance (evidence for the explained decision) inside the region / all positive relevance. */
  readonly inside: number;
  /** |relevance| inside the region / Σ |relevance|: where all the evidence lies, for and against the decision. */
  readonly insideMagnitude: number;
  /** Positive relevance within `band` pixels of the region border (either side) / all positive relevance. */
  readonly borderBand: number;
}

/** +1 when the model decided the positive class (probability at or above the operating threshold), else −1. */
export function decisionSign(probability: number, threshold: number): 1 | -1 {
  return probability >= threshold ? 1 : -1;
}

/** The region relevance is counted in: the segmentation's extent dilated by `marginPx` (0: the extent itself). */
export function relevanceRegion(extent: Mask, marginPx: number): Mask {
  return { width: extent.width, height: extent.height, data: dilate(extent.data, extent.width, extent.height, marginPx) };
}

/** Shares of `map` (relevance of the positive class) in `mask`; `sign` = decisionSign(...) explains the decision. */
export function relevanceShares(map: Float32Array, mask: Mask, band: number, sign: 1 | -1 = 1): RelevanceShares {
  const { width, height, data } = mask;
  let total = 0, inside = 0, border = 0, magnitude = 0, magnitudeInside = 0;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const v = sign * map[y * width + x];
    const here = data[y * width + x];
    magnitude += Math.abs(v);
    if (here) magnitudeInside += Math.abs(v);
    if (v <= 0) continue;
    total += v;
    if (here) inside += v;
    if (nearBorder(data, width, height, x, y, band, here)) border += v;
  }
  return {
    inside: total === 0 ? 0 : inside / total,
    insideMagnitude: magnitude === 0 ? 0 : magnitudeInside / magnitude,
    borderBand: total === 0 ? 0 : border / total,
  };
}

/**
 * Possible shortcut, and on which share: less than the configured share of the relevance magnitude lies on the
 * lesion ('magnitude'), or the model flags the lesion (`flagged`) on evidence that mostly lies off it ('positive').
 */
export function shortcutSuspected(shares: RelevanceShares, config: Pick<RelevanceConfig, 'min_inside_share' | 'min_positive_inside_share'>, flagged: boolean): 'magnitude' | 'positive' | null {
  if (shares.insideMagnitude < config.min_inside_share) return 'magnitude';
  return flagged && shares.inside < config.min_positive_inside_share ? 'positive' : null;
}

/**
 * How unevenly the positive relevance inside the lesion is split by each principal axis of the lesion:
 * |P₁ − P₂| / (P₁ + P₂) for the two halves, the larger of the two axes (0: balanced, 1: all on one side).
 */
export function relevanceAsymmetry(map: Float32Array, lesion: Mask): number {
  const axes = principalAxes(lesion);
  let worst = 0;
  for (const theta of [axes.angle, axes.angle + Math.PI / 2]) {
    // The normal of the axis decides the side: the axis splits the lesion into two halves.
    const nx = -Math.sin(theta), ny = Math.cos(theta);
    let a = 0, b = 0;
    for (let y = 0; y < lesion.height; y++) for (let x = 0; x < lesion.width; x++) {
      const i = y * lesion.width + x;
      if (!lesion.data[i] || map[i] <= 0) continue;
      if ((x - axes.cx) * nx + (y - axes.cy) * ny >= 0) a += map[i];
      else b += map[i];
    }
    if (a + b > 0) worst = Math.max(worst, Math.abs(a - b) / (a + b));
  }
  return worst;
}

function nearBorder(data: Uint8Array, width: number, height: number, x: number, y: number, band: number, here: number): boolean {
  for (let dy = -band; dy <= band; dy++) for (let dx = -band; dx <= band; dx++) {
    const nx = x + dx, ny = y + dy;
    if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
    if (data[ny * width + nx] !== here) return true;
  }
  return false;
}
