/**
 * Image quality flags a clinician must see before trusting a reading: blur, exposure, hair, ink/marker, ruler,
 * partial view, no colour (a greyscale image), a region that differs from the skin in colour only, a lesion that is pink or red rather than brown, glare set aside (a lesion under it is not seen), lossy compression (a file not stored losslessly: the bundled
 * model's score moved from 79 % to 29–35 % on JPEG, lossy WebP and JPEG-in-TIFF copies of a demo image). Each is
 * a simple, explainable measurement against a threshold in config.yaml; and skin outside the tones the model was
 * trained on (skin_tone), against the range its card states.
 */
import { dilate } from '../../../src/imaging/mask.js';
import { rgbToLab } from '../../../src/imaging/lab.js';
import type { Segmentation } from './segmentation.js';

/** What the automated ABCD measures: each can be made unassessable by a quality flag. */
export type AbcdCriterion = 'asymmetry' | 'border' | 'colour' | 'diameter';

export interface QualityConfig {
  readonly critical: readonly QualityFlag[];
  /** The criteria each flag leaves unassessable. */
  readonly invalidates: Readonly<Partial<Record<QualityFlag, readonly AbcdCriterion[]>>>;
  readonly ink: { readonly min_a: number; readonly max_b: number; readonly min_pixels: number; readonly lesion_margin_px: number };
  readonly hair: { readonly contrast: number; readonly min_pixels: number };
  readonly ruler: { readonly band_px: number; readonly lighter_than_skin_l: number; readonly min_share: number };
  readonly blur: { readonly min_laplacian_variance: number };
  readonly exposure: { readonly min_mean_l: number; readonly max_mean_l: number; readonly max_clipped_share: number };
  /** JPEG block edges in the pixels above this (jpegBlockiness) count as lossy compression, as a lossy file does. */
  readonly compression: { readonly max_blockiness: number };
  /** A pixel is coloured above this CIELAB chroma; an image with fewer coloured pixels than the share has no colour. */
  readonly colour: { readonly min_chroma: number; readonly min_coloured_share: number };
  /** A lesion is pink rather than brown: its median redder than the skin's by min_delta_a and more than it is darker, and not yellower by max_delta_b. */
  readonly pink: { readonly min_delta_a: number; readonly max_delta_b: number };
  /** Regions set aside as glare (the segmentation's) on this many pixels outside a ruler's band flag the image. */
  readonly glare: { readonly min_pixels: number };
}

export type QualityFlag = 'blur' | 'exposure' | 'hair' | 'ink' | 'ruler' | 'partial_view' | 'no_colour' | 'lossy_compression' | 'colour_only' | 'pink_lesion' | 'glare' | 'skin_tone';

/** What the file and the full-size pixels say about the image beyond the analysed pixels. */
export interface ImageSource {
  /** Not stored losslessly (storedLosslessly in src/imaging/image-input.ts). */
  readonly lossy: boolean;
  /** JPEG blockiness of the full-size pixels (jpegBlockiness): compressed once, whatever the file is now. */
  readonly blockiness: number;
}

export interface QualityReport {
  readonly flags: QualityFlag[];
  readonly critical: boolean;
  readonly measurements: { inkPixels: number; hairPixels: number; glarePixels: number; rulerShare: number; laplacianVariance: number; meanL: number; clippedShare: number; colouredShare: number; skinIta: number };
}

/**
 * `seg` must be the segmentation of this same image: its lesion extent, skin colour and distance maps are reused.
 * `trainedSkinIta`: the skin tones (ITA°) the model was trained on, low to high; null where no model score is at
 * stake (a prior image, measured for its diameter only).
 */
export function assessQuality(rgb: Uint8Array, width: number, height: number, seg: Segmentation, config: QualityConfig, source: ImageSource, trainedSkinIta: readonly [number, number] | null): QualityReport {
  const { extent: lesion, skin, partialView } = seg;
  const n = width * height;
  const L = new Float32Array(n);
  const skinL = rgbToLab(skin[0], skin[1], skin[2])[0];
  const near = dilate(lesion.data, width, height, config.ink.lesion_margin_px, 'square');
  const ink = new Uint8Array(n);
  // Exposure is judged on the skin around the lesion: a black or white lesion part is not over-exposure.
  let sumL = 0, clipped = 0, skinPixels = 0, coloured = 0;
  // The lesion's colours, for isPink (converted once, here).
  const lesionLab: LabPixels = { L: [], a: [], b: [] };
  for (let i = 0; i < n; i++) {
    const [l, a, b] = rgbToLab(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]);
    L[i] = l;
    if (lesion.data[i]) {
      lesionLab.L.push(l);
      lesionLab.a.push(a);
      lesionLab.b.push(b);
    }
    if (Math.hypot(a, b) > config.colour.min_chroma) coloured++;
    if (near[i]) continue;
    skinPixels++;
    sumL += l;
    if (l <= 2 || l >= 98) clipped++;
    if (a > config.ink.min_a && b < config.ink.max_b) ink[i] = 1;
  }
  const inkPixels = ink.reduce((sum, v) => sum + v, 0);
  const ruler = rulerBand(L, width, height, skinL, config.ruler);
  const rulerShare = ruler.share;
  // Hairs: thin dark structures (not marker ink) that the segmentation's median filter removes, outside the lesion.
  const distance = seg.skinDistance;
  const smooth = seg.smoothedSkinDistance;
  // A ruler's ticks are thin dark lines too: its band does not count.
  const inRuler = (i: number) => ruler.share >= config.ruler.min_share && ruler.contains(i % width, Math.floor(i / width));
  let hairPixels = 0;
  for (let i = 0; i < n; i++) if (!near[i] && !ink[i] && !inRuler(i) && L[i] < skinL && distance[i] - smooth[i] > config.hair.contrast) hairPixels++;
  let glarePixels = 0;
  for (let i = 0; i < n; i++) if (seg.glare[i] && !inRuler(i)) glarePixels++;
  const laplacianVariance = laplacianVarianceOf(L, width, height, inRuler);
  const meanL = skinPixels > 0 ? sumL / skinPixels : 0;
  const clippedShare = skinPixels > 0 ? clipped / skinPixels : 0;
  const colouredShare = coloured / n;
  const flags: QualityFlag[] = [];
  const exposure = meanL < config.exposure.min_mean_l || meanL > config.exposure.max_mean_l || clippedShare > config.exposure.max_clipped_share;
  // The Laplacian's variance scales with the image's contrast: on a dark or washed-out image it is low however sharp
  // the image is, so blur is judged only on a well-exposed one (a dark copy was reported "out of focus").
  if (!exposure && laplacianVariance < config.blur.min_laplacian_variance) flags.push('blur');
  if (exposure) flags.push('exposure');
  if (hairPixels >= config.hair.min_pixels) flags.push('hair');
  if (inkPixels >= config.ink.min_pixels) flags.push('ink');
  if (rulerShare >= config.ruler.min_share) flags.push('ruler');
  // A region of another colour only is not measured as a lesion: where it meets the frame says nothing of one.
  if (partialView && seg.foundBy !== 'chroma') flags.push('partial_view');
  // A region set apart by its colour alone (segmentation.ts): a pink lesion, erythema, a blush or a colour cast.
  if (seg.foundBy === 'chroma') flags.push('colour_only');
  if (seg.foundBy === 'contrast' && isPink(lesionLab, skin, config.pink)) flags.push('pink_lesion');
  if (glarePixels >= config.glare.min_pixels) flags.push('glare');
  if (colouredShare < config.colour.min_coloured_share) flags.push('no_colour');
  if (source.lossy || source.blockiness > config.compression.max_blockiness) flags.push('lossy_compression');
  const skinIta = itaDegrees(skin);
  // A greyscale image has no skin tone to judge (its no_colour flag says why the model does not apply).
  if (trainedSkinIta && !flags.includes('no_colour') && (skinIta < trainedSkinIta[0] || skinIta > trainedSkinIta[1])) flags.push('skin_tone');
  return { flags, critical: flags.some((f) => config.critical.includes(f)), measurements: { inkPixels, hairPixels, glarePixels, rulerShare, laplacianVariance, meanL, clippedShare, colouredShare, skinIta } };
}

/**
 * Individual typology angle of a skin colour (ITA°, Chardon et al. 1991): arctan((L* − 50) / b*) in degrees, from
 * −90 to 90; above 55 very light, 41–55 light, 28–41 intermediate, 10–28 tan, −30–10 brown, below −30 dark. Skin
 * has some yellow (b* > 0); a colour without (grey, bluish: a colour cast or no colour) reads as the extreme of
 * its side of L* 50. The skin-tone check compares the image's skin (the segmentation's frame median) with the
 * range the model card states for its training images (assess.ts: flag `skin_tone`).
 */
export function itaDegrees(rgb: readonly [number, number, number]): number {
  const [L, , b] = rgbToLab(rgb[0], rgb[1], rgb[2]);
  if (b <= 0) return L >= 50 ? 90 : -90;
  return (Math.atan((L - 50) / b) * 180) / Math.PI;
}

/** The frame band (of four) with the largest share of pixels clearly lighter than the skin: a ruler's strip. */
function rulerBand(L: Float32Array, width: number, height: number, skinL: number, config: QualityConfig['ruler']): { share: number; contains: (x: number, y: number) => boolean } {
  const band = config.band_px;
  const bands: [number, number, number, number][] = [[0, 0, width, band], [0, height - band, width, height], [0, 0, band, height], [width - band, 0, width, height]];
  let best = { share: 0, contains: (_x: number, _y: number) => false };
  for (const [x0, y0, x1, y1] of bands) {
    let count = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (L[y * width + x] > skinL + config.lighter_than_skin_l) count++;
    const share = count / ((x1 - x0) * (y1 - y0));
    if (share > best.share) best = { share, contains: (x, y) => x >= x0 && x < x1 && y >= y0 && y < y1 };
  }
  return best;
}

/** Variance of the 4-neighbour Laplacian of L* (a ruler's band excluded: its ticks stay sharp): low when blurred. */
function laplacianVarianceOf(L: Float32Array, width: number, height: number, excluded: (i: number) => boolean): number {
  let sum = 0, sum2 = 0, n = 0;
  for (let y = 1; y < height - 1; y++) for (let x = 1; x < width - 1; x++) {
    const i = y * width + x;
    if (excluded(i)) continue;
    const v = L[i - 1] + L[i + 1] + L[i - width] + L[i + width] - 4 * L[i];
    sum += v;
    sum2 += v * v;
    n++;
  }
  const mean = sum / n;
  return sum2 / n - mean * mean;
}

/**
 * Whether the lesion is pink or red rather than brown: the median of its CIELAB colour (a hair crossing it moves a
 * median little, a mean much) is redder than the skin's (a*) by at least `min_delta_a` and by more than it is darker
 * (L*), and not yellower (b*) by more than `max_delta_b`: melanin darkens and yellows, a pink lesion reddens.
 */
interface LabPixels {
  readonly L: number[];
  readonly a: number[];
  readonly b: number[];
}

function isPink(lesion: LabPixels, skin: readonly [number, number, number], config: QualityConfig['pink']): boolean {
  if (lesion.L.length === 0) return false;
  const median = (v: number[]) => v.sort((x, y) => x - y)[v.length >> 1];
  const [skinL, skinA, skinB] = rgbToLab(skin[0], skin[1], skin[2]);
  const redder = median(lesion.a) - skinA;
  return redder >= config.min_delta_a && redder > skinL - median(lesion.L) && median(lesion.b) - skinB <= config.max_delta_b;
}
