/**
 * Lesion segmentation baseline: distance of each pixel from the skin colour (the median of the image frame),
 * median-filtered, Otsu threshold, morphological opening (removes hairs, ink dots and ruler ticks), the largest component not
 * touching the frame (else the largest, then flagged partial view), holes filled. When nothing stands out in RGB
 * distance, a region may still differ from the skin in colour alone (CIELAB a*b*, which uneven lighting barely
 * changes): a pink (amelanotic-like) lesion, but just as well erythema, a vascular blush or a colour cast from the
 * light. Such a region is outlined, not measured as a lesion (foundBy 'chroma', empty). A region that is
 * near-white (far lighter than the skin) all but a remainder too small to be a lesion, and surrounded by skin, is
 * glare (a specular reflection), not a lesion: it is set aside in either search. Glare on or touching a lesion
 * stays part of it, measured with it (and its colour counted as white): this synthetic data's white areas and a
 * real lesion's white structures look like glare pixel by pixel, so the two cannot be told apart there.
 */
import type { Mask } from '../../../src/imaging/mask.js';
import { rgbToLab } from '../../../src/imaging/lab.js';
import { dilate, erode } from '../../../src/imaging/mask.js';

export interface SegmentationConfig {
  readonly median_filter_px: number;
  readonly skin_border_px: number;
  readonly opening_radius_px: number;
  readonly min_area_share: number;
  readonly min_contrast: number;
  readonly min_chroma_contrast: number;
  readonly min_chroma_edge: number;
  /**
   * Near-white: CIELAB L* at least `min_l` and `lighter_than_skin_l` above the skin's, chroma at most `max_chroma`;
   * a region is glare when what is left of it without its near-white pixels and their neighbours (a reflection's
   * blended rim) is smaller than a lesion may be (min_area_share), and the pixels 2–4 px around it are skin (their
   * mean RGB distance from the skin below `min_contrast`).
   */
  readonly glare: { readonly min_l: number; readonly max_chroma: number; readonly lighter_than_skin_l: number };
}

export interface Segmentation {
  /**
   * The lesion's full extent: Otsu on log-distance (so light-brown parts of a multi-coloured lesion are not
   * split off), edge where its lightest colour fades halfway into the skin. Every ABCD criterion is measured on it.
   */
  readonly extent: Mask;
  readonly threshold: number;
  readonly skin: [number, number, number];
  /** The chosen component touches the image frame. */
  readonly partialView: boolean;
  /** No lesion to measure: nothing stands out from the skin, or only in colour (foundBy 'chroma'). */
  readonly empty: boolean;
  /** What set the outlined region apart: RGB distance from the skin (a lesion), chroma alone (a region of another colour), or nothing. */
  readonly foundBy: 'contrast' | 'chroma' | null;
  /** Per-pixel RGB distance from the skin colour, raw and median-filtered (quality flags reuse them). */
  readonly skinDistance: Float32Array;
  readonly smoothedSkinDistance: Float32Array;
  /** The regions set aside as glare (1), whatever else was found. */
  readonly glare: Uint8Array;
}

export function segmentLesion(rgb: Uint8Array, width: number, height: number, config: SegmentationConfig): Segmentation {
  const skin = frameMedian(rgb, width, height, config.skin_border_px);
  const raw = new Float32Array(width * height);
  for (let i = 0; i < raw.length; i++) raw[i] = Math.hypot(rgb[i * 3] - skin[0], rgb[i * 3 + 1] - skin[1], rgb[i * 3 + 2] - skin[2]);
  // A median filter wider than a hair removes hairs and marker dots while keeping the lesion's edge.
  const distance = medianFilter(raw, width, height, config.median_filter_px);
  const threshold = otsu(distance);
  const glare = new Uint8Array(width * height);
  const search = { width, height, config, nearWhite: nearWhite(rgb, width, height, skin, config.glare), skinDistance: raw, glare };
  const common = { skin, skinDistance: raw, smoothedSkinDistance: distance, glare };
  // What stood out in RGB distance may be a hair that the opening then removes, or glare: the colour path is tried
  // after it too.
  if (threshold >= config.min_contrast) {
    const lesion = lesionExtent(distance, threshold, search, 'contrast');
    if (!lesion.empty) return { ...lesion, ...common };
  }
  const chroma = medianFilter(chromaDistance(rgb, skin), width, height, config.median_filter_px);
  const chromaThreshold = otsu(chroma);
  // What stands out in chroma lies, on average, this far from the skin's (the threshold itself sits low in the
  // skin's tail when the lesion is small), and the region differs from the skin around it: Otsu picks noise out of
  // plain skin too, but its blobs are hardly different from their surroundings. Nothing either way: no lesion.
  if (meanAbove(chroma, chromaThreshold) >= config.min_chroma_contrast) {
    const region = lesionExtent(chroma, chromaThreshold, search, 'chroma');
    if (!region.empty && edgeContrast(chroma, region.extent.data, width, height) >= config.min_chroma_edge) return { ...region, empty: true, ...common };
  }
  return { extent: { width, height, data: new Uint8Array(width * height) }, threshold, partialView: false, empty: true, foundBy: null, ...common };
}

/**
 * Where a lesion is searched: the image's size, the thresholds, its near-white pixels (grown by a pixel), and the
 * mask that collects the regions set aside as glare.
 */
interface Search {
  readonly width: number;
  readonly height: number;
  readonly config: SegmentationConfig;
  readonly nearWhite: Uint8Array;
  /** Per-pixel RGB distance from the skin. */
  readonly skinDistance: Float32Array;
  readonly glare: Uint8Array;
}

/** The lesion on a distance-from-skin map, given the map's Otsu threshold: tight (Otsu) to find it, wide to measure it. */
function lesionExtent(distance: Float32Array, threshold: number, search: Search, foundBy: 'contrast' | 'chroma') {
  const { width, height } = search;
  const tight = lesionAt(distance, threshold, search);
  const coarse = Math.expm1(otsu(distance.map(Math.log1p)));
  const off = Array.from(distance).filter((d) => d > coarse).sort((a, b) => a - b);
  const extentThreshold = off.length > 0 ? Math.max(coarse, off[Math.floor(off.length * 0.1)] / 2) : coarse;
  const wide = lesionAt(distance, extentThreshold, search);
  return {
    extent: { width, height, data: wide.chosen ? wide.data : tight.data },
    threshold,
    partialView: Boolean(tight.chosen?.touchesFrame),
    empty: !tight.chosen,
    foundBy: tight.chosen ? foundBy : null,
  };
}

/** The mean RGB skin distance 2–4 px around a component is below the contrast that sets a lesion apart. */
function surroundedBySkin(c: Component, search: Search): boolean {
  const { width, height } = search;
  const region = new Uint8Array(width * height);
  for (const p of c.pixels) region[p] = 1;
  const near = dilate(region, width, height, 1);
  const ring = dilate(region, width, height, 4);
  let sum = 0, n = 0;
  for (let i = 0; i < ring.length; i++) if (ring[i] && !near[i]) [sum, n] = [sum + search.skinDistance[i], n + 1];
  return n > 0 && sum / n < search.config.min_contrast;
}

/**
 * Near-white pixels far lighter than the skin (a specular reflection saturates toward white; a ruler's light band,
 * L* about 93, stays below), grown by a pixel: a reflection's blended rim.
 */
function nearWhite(rgb: Uint8Array, width: number, height: number, skin: readonly [number, number, number], config: SegmentationConfig['glare']): Uint8Array {
  const minL = Math.max(config.min_l, rgbToLab(skin[0], skin[1], skin[2])[0] + config.lighter_than_skin_l);
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) {
    // L* 90 or more at chroma 12 or less (the schema's bounds) has every channel at 198 or more: darker pixels
    // skip the conversion.
    if (Math.min(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]) < 190) continue;
    const [l, a, b] = rgbToLab(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]);
    if (l >= minL && Math.hypot(a, b) <= config.max_chroma) mask[i] = 1;
  }
  return dilate(mask, width, height, 1);
}

/** Per pixel, the CIELAB a*b* distance from the skin's colour: hue and saturation, not lightness. */
function chromaDistance(rgb: Uint8Array, skin: readonly [number, number, number]): Float32Array {
  const [, sa, sb] = rgbToLab(...skin);
  const out = new Float32Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++) {
    const [, a, b] = rgbToLab(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]);
    out[i] = Math.hypot(a - sa, b - sb);
  }
  return out;
}

/** Mean of `values` inside the region minus their mean in a 4-pixel ring around it. */
function edgeContrast(values: Float32Array, region: Uint8Array, width: number, height: number): number {
  const ring = dilate(region, width, height, 4);
  let inside = 0, insideN = 0, around = 0, aroundN = 0;
  for (let i = 0; i < values.length; i++) {
    if (region[i]) [inside, insideN] = [inside + values[i], insideN + 1];
    else if (ring[i]) [around, aroundN] = [around + values[i], aroundN + 1];
  }
  return insideN > 0 && aroundN > 0 ? inside / insideN - around / aroundN : 0;
}

function meanAbove(values: Float32Array, threshold: number): number {
  let sum = 0, n = 0;
  for (const v of values) if (v > threshold) { sum += v; n++; }
  return n > 0 ? sum / n : 0;
}

/**
 * Threshold, opening, the largest component not touching the frame (else the largest), holes filled. Components
 * that are glare are set aside (into `search.glare`).
 */
function lesionAt(distance: Float32Array, threshold: number, search: Search) {
  const { width, height, config } = search;
  let binary: Uint8Array = new Uint8Array(distance.length);
  for (let i = 0; i < binary.length; i++) binary[i] = distance[i] > threshold ? 1 : 0;
  binary = dilate(erode(binary, width, height, config.opening_radius_px), width, height, config.opening_radius_px);
  const components = labelComponents(binary, width, height);
  const minArea = config.min_area_share * width * height;
  // Glare merged with a lesion leaves the lesion as its remainder: kept whole, as a lesion.
  const isGlare = (c: Component) => c.pixels.filter((p) => !search.nearWhite[p]).length < minArea && surroundedBySkin(c, search);
  const sized = components.filter((c) => c.area >= minArea);
  const glare = sized.filter(isGlare);
  for (const c of glare) for (const p of c.pixels) search.glare[p] = 1;
  const candidates = sized.filter((c) => !glare.includes(c));
  const inner = candidates.filter((c) => !c.touchesFrame);
  const chosen = (inner.length > 0 ? inner : candidates).sort((a, b) => b.area - a.area)[0];
  const data = new Uint8Array(width * height);
  if (chosen) for (const p of chosen.pixels) data[p] = 1;
  return { chosen, data: chosen ? fillHoles(data, width, height) : data };
}

export function medianFilter(values: Float32Array, width: number, height: number, radius: number): Float32Array {
  if (radius <= 0) return values;
  const out = new Float32Array(values.length);
  // A typed array sorts numerically in native code: far faster than Array#sort with a comparator.
  const window = new Float32Array((2 * radius + 1) ** 2);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    let k = 0;
    for (let dy = -radius; dy <= radius; dy++) for (let dx = -radius; dx <= radius; dx++) {
      const nx = Math.min(width - 1, Math.max(0, x + dx)), ny = Math.min(height - 1, Math.max(0, y + dy));
      window[k++] = values[ny * width + nx];
    }
    window.sort();
    out[y * width + x] = window[window.length >> 1];
  }
  return out;
}

function frameMedian(rgb: Uint8Array, width: number, height: number, border: number): [number, number, number] {
  const channels: number[][] = [[], [], []];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    if (x >= border && y >= border && x < width - border && y < height - border) continue;
    for (let c = 0; c < 3; c++) channels[c].push(rgb[(y * width + x) * 3 + c]);
  }
  return channels.map((v) => v.sort((a, b) => a - b)[v.length >> 1]) as [number, number, number];
}

/** Otsu's threshold on a 256-bin histogram of the values' range. */
export function otsu(values: Float32Array): number {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (hi <= lo) return hi;
  const bins = 256;
  const hist = new Float64Array(bins);
  const scale = (bins - 1) / (hi - lo);
  for (const v of values) hist[Math.round((v - lo) * scale)]++;
  const total = values.length;
  let sum = 0;
  for (let i = 0; i < bins; i++) sum += i * hist[i];
  // Every cut in an empty gap between two modes splits the pixels alike: the best is a run of equal bins, and the
  // threshold its middle (the first of them would sit on the lower mode: a noise-free image's lesion, at any
  // contrast, read as 0.05 units from the skin).
  let sumBack = 0, weightBack = 0, best = 0, first = 0, last = 0;
  for (let i = 0; i < bins; i++) {
    weightBack += hist[i];
    if (weightBack === 0) continue;
    const weightFore = total - weightBack;
    if (weightFore === 0) break;
    sumBack += i * hist[i];
    const between = weightBack * weightFore * (sumBack / weightBack - (sum - sumBack) / weightFore) ** 2;
    if (between > best * (1 + 1e-9)) [best, first, last] = [between, i, i];
    else if (between >= best * (1 - 1e-9) && last === i - 1) last = i;
  }
  return lo + ((first + last) / 2 + 0.5) / scale;
}

interface Component {
  readonly pixels: number[];
  readonly area: number;
  readonly touchesFrame: boolean;
}

function labelComponents(binary: Uint8Array, width: number, height: number): Component[] {
  const seen = new Uint8Array(binary.length);
  const components: Component[] = [];
  for (let start = 0; start < binary.length; start++) {
    if (!binary[start] || seen[start]) continue;
    const pixels: number[] = [];
    let touches = false;
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const p = stack.pop()!;
      pixels.push(p);
      const x = p % width, y = (p - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) touches = true;
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]]) {
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const q = ny * width + nx;
        if (binary[q] && !seen[q]) { seen[q] = 1; stack.push(q); }
      }
    }
    components.push({ pixels, area: pixels.length, touchesFrame: touches });
  }
  return components;
}

/** Background reachable from the frame stays 0; every other 0 pixel is a hole and becomes 1. */
function fillHoles(mask: Uint8Array, width: number, height: number): Uint8Array {
  const outside = new Uint8Array(mask.length);
  const stack: number[] = [];
  for (let x = 0; x < width; x++) stack.push(x, (height - 1) * width + x);
  for (let y = 0; y < height; y++) stack.push(y * width, y * width + width - 1);
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (outside[p] || mask[p]) continue;
    outside[p] = 1;
    const x = p % width, y = (p - x) / width;
    if (x > 0) stack.push(p - 1);
    if (x < width - 1) stack.push(p + 1);
    if (y > 0) stack.push(p - width);
    if (y < height - 1) stack.push(p + width);
  }
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < out.length; i++) out[i] = outside[i] ? 0 : 1;
  return out;
}
