/**
 * The automated ABCD criteria from an image and its lesion mask: asymmetry about the principal axes (0–2),
 * border irregularity (compactness of a sub-pixel outline) and abruptness (B: 0–8 sectors of 45°), colours
 * present (CIELAB palette), and the diameter in mm when a pixel spacing is known. Thresholds and palette come
 * from the domain's versioned config.
 */
import type { Field, Mask } from '../../../src/imaging/mask.js';
import { dilate, erode, flipAsymmetry, largestOutline, maxFeretDiameter, principalAxes, thinRidges } from '../../../src/imaging/mask.js';
import type { Lab } from '../../../src/imaging/lab.js';
import { deltaE, rgbToLab } from '../../../src/imaging/lab.js';
import { medianFilter } from './segmentation.js';

export interface BorderConfig {
  readonly median_filter_px: number;
  readonly hair_contrast: number;
  readonly hair_line_px: number;
  readonly hair_flank_px: number;
  readonly hair_passes: number;
  readonly smoothing_px: number;
  readonly hair_opening_px: number;
  readonly outline_margin_px: number;
  readonly abrupt_max_transition_px: number;
}

export interface AbcdConfig {
  readonly asymmetry_axis_threshold: number;
  readonly border: BorderConfig;
  readonly colour: { readonly max_delta_e: number; readonly min_share: number; readonly interior_erosion_px: number; readonly median_filter_px: number };
  readonly palette: Readonly<Record<string, readonly [number, number, number]>>;
}

export interface AbcdMeasurement {
  readonly asymmetry: { readonly indices: [number, number]; readonly axes: number };
  readonly border: {
    /** P² / (4πA) of the sub-pixel outline: 1 for a disc. */
    readonly compactness: number;
    /** Sector k covers the angles [k·45°, (k+1)·45°) about the lesion's centroid (atan2(dy, dx), y down). */
    readonly abrupt_sectors: boolean[];
    readonly abrupt_count: number;
    /** Median 10–90 % width (px) of the skin-distance transition across the border, per sector; null: no ray found it. */
    readonly transition_px: (number | null)[];
  };
  readonly colours: { readonly present: string[]; readonly shares: Record<string, number> };
  /** null: not measurable without a pixel spacing. */
  readonly diameter: { readonly px: number; readonly mm: number | null };
}

/**
 * Every criterion on the lesion's full extent (the outline the report draws); the border is measured on the image
 * itself, near the extent's edge. Not asymmetry on the tight Otsu outline: on a pale lesion with a dark patch that
 * outline is the patch alone (a test checks asymmetry on such lesions).
 */
export function measureAbcd(rgb: Uint8Array, extent: Mask, skin: readonly [number, number, number], config: AbcdConfig, pixelSpacingMm: number | null): AbcdMeasurement {
  const indices = flipAsymmetry(extent);
  const diameterPx = maxFeretDiameter(extent);
  return {
    asymmetry: { indices, axes: indices.filter((a) => a > config.asymmetry_axis_threshold).length },
    border: measureBorder(rgb, extent, skin, config.border, config.colour.interior_erosion_px),
    colours: coloursPresent(rgb, extent, skin, config),
    diameter: { px: diameterPx, mm: pixelSpacingMm === null ? null : diameterPx * pixelSpacingMm },
  };
}

/**
 * Compactness of the lesion's outline at sub-pixel precision, and the abruptness of its edge per 45° sector.
 * The outline is the iso-line of the skin distance (hairs in-painted, then Gaussian-smoothed against pixel
 * noise) where the lesion's palest colour has faded halfway into the skin. It may leave the extent opened by
 * `hair_opening_px` by only `outline_margin_px`: hairs touching the lesion then add no perimeter beyond that
 * margin, while border wiggles (a pixel or two deep) keep theirs.
 */
function measureBorder(rgb: Uint8Array, extent: Mask, skin: readonly [number, number, number], config: BorderConfig, rimPx: number): AbcdMeasurement['border'] {
  const { width, height } = extent;
  const raw = new Float32Array(width * height);
  for (let i = 0; i < raw.length; i++) raw[i] = Math.hypot(rgb[i * 3] - skin[0], rgb[i * 3 + 1] - skin[1], rgb[i * 3 + 2] - skin[2]);
  const median = medianFilter(raw, width, height, config.median_filter_px);
  const level = palestHalf(median, extent, rimPx);
  const smooth = gaussianBlur(inpaintHairs({ width, height, data: raw }, config), width, height, config.smoothing_px);
  const opened = dilate(erode(extent.data, width, height, config.hair_opening_px), width, height, config.hair_opening_px);
  const outer = dilate(opened, width, height, config.outline_margin_px);
  const inner = erode(opened, width, height, config.outline_margin_px);
  const bounded = Float32Array.from(smooth, (v, i) => (inner[i] ? Infinity : outer[i] ? v : -Infinity));
  const outline = largestOutline({ width, height, data: bounded }, level);
  const transition_px = sectorTransitions({ width, height, data: median }, extent, level);
  const abrupt_sectors = transition_px.map((w) => w !== null && w <= config.abrupt_max_transition_px);
  return {
    compactness: outline.area > 0 ? outline.perimeter ** 2 / (4 * Math.PI * outline.area) : NaN,
    abrupt_sectors,
    abrupt_count: abrupt_sectors.filter(Boolean).length,
    transition_px,
  };
}

/**
 * Hairs as thin dark lines of the skin distance (`thinRidges`), replaced by the value across them. Unlike a
 * median, this also clears a hair where it leaves the lesion: there a median window is mostly lesion and hair,
 * so the hair would stay and pull the outline out along it. Further passes clear hairs whose flank lay on
 * another hair (crossings, clumps).
 */
function inpaintHairs(distance: Field & { readonly data: Float32Array }, config: BorderConfig): Float32Array {
  let data = distance.data;
  for (let pass = 0; pass < config.hair_passes; pass++) {
    const { contrast, across } = thinRidges({ ...distance, data }, config.hair_line_px, config.hair_flank_px);
    data = data.map((v, i) => (contrast[i] > config.hair_contrast ? across[i] : v));
  }
  return data;
}

/** Half the skin distance of the lesion's palest colour (10th percentile inside the extent, its blended rim left out). */
function palestHalf(distance: Float32Array, extent: Mask, rimPx: number): number {
  const interior = erode(extent.data, extent.width, extent.height, rimPx);
  const inside = Float32Array.from(distance.filter((_, i) => interior[i] === 1)).sort();
  const values = inside.length > 0 ? inside : Float32Array.from(distance.filter((_, i) => extent.data[i] === 1)).sort();
  return values[Math.floor(values.length * 0.1)] / 2;
}

const SECTORS = 8;
const RAYS_PER_SECTOR = 12;
const RAY_STEP_PX = 0.25;
/** Plateaus are read this far inside and outside the border crossing: beyond a gradual edge's half-width (2 px). */
const PLATEAU_PX: readonly [number, number] = [3, 6];

/**
 * Per 45° sector, the median over rays from the centroid of the 10–90 % rise distance of the (median-filtered)
 * skin distance across the border: about 1 px for a cut-off edge (bilinear sampling of a step), the blend
 * width for a fading one. Median over rays: a hair, an ink dot or a sector boundary spoils single rays only.
 */
function sectorTransitions(distance: Field, extent: Mask, level: number): (number | null)[] {
  const { cx, cy } = principalAxes(extent);
  const reach = Math.hypot(distance.width, distance.height);
  const widths: (number | null)[] = [];
  for (let k = 0; k < SECTORS; k++) {
    const rays: number[] = [];
    for (let j = 0; j < RAYS_PER_SECTOR; j++) {
      const theta = ((k + (j + 0.5) / RAYS_PER_SECTOR) * 2 * Math.PI) / SECTORS;
      const profile: number[] = [];
      for (let s = 0; s < reach; s += RAY_STEP_PX) {
        const value = bilinear(distance, cx + s * Math.cos(theta), cy + s * Math.sin(theta));
        if (value === null) break;
        profile.push(value);
      }
      const width = riseDistance(profile, level);
      if (width !== null) rays.push(width);
    }
    widths.push(rays.length > 0 ? medianOf(rays) : null);
  }
  return widths;
}

/** 10–90 % width around the first fall of `profile` (sampled every RAY_STEP_PX) below `level`; null when the ray leaves the image first. */
function riseDistance(profile: number[], level: number): number | null {
  const at = (px: number) => Math.round(px / RAY_STEP_PX);
  const edge = profile.findIndex((v) => v < level);
  const [near, far] = PLATEAU_PX.map(at);
  if (edge < far || edge + far >= profile.length) return null;
  const lesion = medianOf(profile.slice(edge - far, edge - near + 1));
  const skin = medianOf(profile.slice(edge + near, edge + far + 1));
  if (lesion <= skin) return null;
  const high = skin + 0.9 * (lesion - skin), low = skin + 0.1 * (lesion - skin);
  let inner = edge;
  while (inner > edge - far && profile[inner] < high) inner--;
  let outer = edge;
  while (outer < edge + far && profile[outer] > low) outer++;
  return (outer - inner) * RAY_STEP_PX;
}

function bilinear(field: Field, x: number, y: number): number | null {
  if (x < 0 || y < 0 || x > field.width - 1 || y > field.height - 1) return null;
  const x0 = Math.min(field.width - 2, Math.floor(x)), y0 = Math.min(field.height - 2, Math.floor(y));
  const fx = x - x0, fy = y - y0, i = y0 * field.width + x0, d = field.data;
  return (1 - fy) * ((1 - fx) * d[i] + fx * d[i + 1]) + fy * ((1 - fx) * d[i + field.width] + fx * d[i + field.width + 1]);
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** Separable Gaussian blur, edges clamped. */
function gaussianBlur(values: Float32Array, width: number, height: number, sigma: number): Float32Array {
  if (sigma <= 0) return values;
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((s, k) => s + k, 0);
  const pass = (input: Float32Array, dx: number, dy: number) => {
    const out = new Float32Array(input.length);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let t = -radius; t <= radius; t++) {
        const nx = Math.min(width - 1, Math.max(0, x + t * dx)), ny = Math.min(height - 1, Math.max(0, y + t * dy));
        sum += kernel[t + radius] * input[ny * width + nx];
      }
      out[y * width + x] = sum / total;
    }
    return out;
  };
  return pass(pass(values, 1, 0), 0, 1);
}

function coloursPresent(rgb: Uint8Array, mask: Mask, skin: readonly [number, number, number], config: AbcdConfig): AbcdMeasurement['colours'] {
  const palette = Object.entries(config.palette).map(([name, c]) => [name, rgbToLab(c[0], c[1], c[2])] as [string, Lab]);
  const skinLightness = rgbToLab(skin[0], skin[1], skin[2])[0];
  const interior = erode(mask.data, mask.width, mask.height, config.colour.interior_erosion_px, 'square');
  // Per-channel median first: hairs over the lesion would otherwise count as black.
  const plane = mask.width * mask.height;
  const channels = [0, 1, 2].map((c) => medianFilter(Float32Array.from({ length: plane }, (_, i) => rgb[i * 3 + c]), mask.width, mask.height, config.colour.median_filter_px));
  const counts = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < interior.length; i++) {
    if (!interior[i]) continue;
    total++;
    const lab = rgbToLab(channels[0][i], channels[1][i], channels[2][i]);
    let best = '';
    let bestDistance = Infinity;
    for (const [name, ref] of palette) {
      const d = deltaE(lab, ref);
      if (d < bestDistance) [best, bestDistance] = [name, d];
    }
    // White counts only where it is lighter than the surrounding skin (ABCD rule).
    if (bestDistance > config.colour.max_delta_e || (best === 'white' && lab[0] <= skinLightness)) continue;
    counts.set(best, (counts.get(best) ?? 0) + 1);
  }
  const shares: Record<string, number> = {};
  for (const [name] of palette) shares[name] = total === 0 ? 0 : (counts.get(name) ?? 0) / total;
  return { present: palette.map(([name]) => name).filter((name) => shares[name] >= config.colour.min_share), shares };
}
