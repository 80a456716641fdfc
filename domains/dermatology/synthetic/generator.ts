/**
 * Deterministic synthetic dermoscopy-like lesions with recorded ground truth (shape, asymmetry, border,
 * colours, diameter, artefacts, the exact mask), for tests and for training the demo lesion model.
 * Every number comes from the image seed; parameters come from generator.yaml and the domain's palette
 * (read once, see ../config.ts).
 */
import type { Mask } from '../../../src/imaging/mask.js';
import { compactness, flipAsymmetry, maskArea, maxFeretDiameter, touchesFrame } from '../../../src/imaging/mask.js';
import type { Random } from '../../../src/util/random.js';
import { seededRandom } from '../../../src/util/random.js';
import { loadDermatologyConfig, loadGeneratorConfig, loadPalette } from '../config.js';

type Range = readonly [number, number];
type Rgb = readonly [number, number, number];

interface Profile {
  readonly ellipticity: Range;
  readonly asymmetry: Range;
  readonly border: Range;
  readonly extra_colours: Range;
  readonly abrupt_share: number;
}

export interface GeneratorConfig {
  readonly version: number;
  readonly size: number;
  readonly pixel_spacing_mm: Range;
  readonly radius_px: Range;
  readonly centre_jitter_px: number;
  readonly skin_tones: readonly Rgb[];
  readonly irregular_share: number;
  readonly profiles: { readonly regular: Profile; readonly irregular: Profile };
  readonly colour_noise: number;
  readonly min_colour_share: number;
  readonly edge_width_px: { readonly abrupt: number; readonly gradual: number };
  readonly artefacts: { readonly hair: number; readonly ruler: number; readonly ink: number };
  readonly ink_given_label: { readonly suspicious: number; readonly benign: number };
  readonly label_noise: number;
  readonly structures_score: number;
}

export const ABCD_COLOURS = ['white', 'red', 'light_brown', 'dark_brown', 'blue_gray', 'black'] as const;
export type AbcdColour = (typeof ABCD_COLOURS)[number];

export interface LesionTruth {
  readonly id: string;
  readonly seed: number;
  readonly generator_version: number;
  readonly size: [number, number];
  readonly pixel_spacing_mm: number;
  readonly profile: 'regular' | 'irregular';
  readonly shape: { centre: [number, number]; radius_px: number; ellipticity: number; asymmetry: number; border: number };
  readonly asymmetry: { indices: [number, number]; asymmetric_axes: number; threshold: number };
  readonly border: { compactness: number; abrupt_sectors: boolean[]; abrupt_count: number };
  readonly colours: AbcdColour[];
  readonly colour_shares: Partial<Record<AbcdColour, number>>;
  readonly area_px: number;
  readonly diameter_px: number;
  readonly diameter_mm: number;
  readonly partial_view: boolean;
  readonly artefacts: { hair: boolean; ruler: boolean; ink: boolean };
  readonly tds: number;
  readonly suspicious_truth: boolean;
  /** The training label: the truth with label noise. */
  readonly label: 'suspicious' | 'benign';
}

export interface SyntheticLesion {
  readonly width: number;
  readonly height: number;
  /** RGB, row-major, 3 bytes per pixel. */
  readonly rgb: Uint8Array;
  readonly mask: Mask;
  readonly truth: LesionTruth;
}

export interface GenerateOptions {
  /** Ink markers follow the label (suspicious 90 %, benign 10 %) instead of the base rate: the shortcut set. */
  readonly shortcut?: boolean;
  /** Force artefacts on or off (tests). */
  readonly force?: Partial<Record<'hair' | 'ruler' | 'ink', boolean>>;
}

/** The seed of image `index` of a set generated from `seed`. */
export function imageSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

export function generateLesion(seed: number, options: GenerateOptions = {}): SyntheticLesion {
  const config = loadGeneratorConfig();
  const palette = loadPalette();
  const asymmetryThreshold = loadDermatologyConfig().abcd.asymmetry_axis_threshold;
  const r = seededRandom(seed);
  const size = config.size;
  const irregular = r.chance(config.irregular_share);
  const profile = irregular ? config.profiles.irregular : config.profiles.regular;
  const spacing = r.range(...config.pixel_spacing_mm);
  const radius = r.range(...config.radius_px);
  const cx = size / 2 + r.range(-config.centre_jitter_px, config.centre_jitter_px);
  const cy = size / 2 + r.range(-config.centre_jitter_px, config.centre_jitter_px);
  const ellipticity = r.range(...profile.ellipticity);
  const asymmetry = r.range(...profile.asymmetry);
  const border = r.range(...profile.border);
  const psi = r.range(0, Math.PI);
  const phases = { a1: r.range(0, 2 * Math.PI), a3: r.range(0, 2 * Math.PI) };
  const wiggles = Array.from({ length: 4 }, () => ({ k: r.int(7, 15), phase: r.range(0, 2 * Math.PI), weight: r.range(0.5, 1) }));
  const radiusAt = (theta: number) => {
    let f = 1 + ellipticity * Math.cos(2 * (theta - psi)) + asymmetry * Math.cos(theta - phases.a1) + 0.8 * asymmetry * Math.cos(3 * theta - phases.a3);
    for (const w of wiggles) f += (border * w.weight * Math.cos(w.k * theta + w.phase)) / 2;
    return radius * f;
  };
  const abrupt = Array.from({ length: 8 }, () => r.chance(profile.abrupt_share));

  // Colour label map of the lesion: a base brown and blobs of extra colours.
  const base: AbcdColour = r.chance(0.6) ? 'light_brown' : 'dark_brown';
  const others = ABCD_COLOURS.filter((c) => c !== base);
  const extraCount = r.int(profile.extra_colours[0], profile.extra_colours[1]);
  const extras: { colour: AbcdColour; x: number; y: number; rho: number; phase: number }[] = [];
  const pool = [...others];
  for (let i = 0; i < extraCount && pool.length > 0; i++) {
    const colour = pool.splice(Math.floor(r.uniform() * pool.length), 1)[0];
    const angle = r.range(0, 2 * Math.PI);
    const dist = r.range(0, 0.55) * radius;
    extras.push({ colour, x: cx + dist * Math.cos(angle), y: cy + dist * Math.sin(angle), rho: r.range(0.3, 0.5) * radius, phase: r.range(0, 2 * Math.PI) });
  }

  const skin = r.pick(config.skin_tones);
  const lowFreq = smoothNoise(r, size, 9);
  const lesionShade = smoothNoise(r, size, 7);
  const rgb = new Uint8Array(size * size * 3);
  const mask = new Uint8Array(size * size);
  const labels = new Int8Array(size * size).fill(-1);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const i = y * size + x;
    const dx = x - cx, dy = y - cy;
    const theta = Math.atan2(dy, dx);
    const signed = radiusAt(theta) - Math.hypot(dx, dy);
    const sector = Math.floor((((theta + 2 * Math.PI) % (2 * Math.PI)) / (2 * Math.PI)) * 8) % 8;
    const width = abrupt[sector] ? config.edge_width_px.abrupt : config.edge_width_px.gradual;
    const alpha = Math.min(1, Math.max(0, (signed + width / 2) / width));
    let label: AbcdColour = base;
    for (const e of extras) {
      const blob = e.rho * (1 + 0.25 * Math.cos(3 * Math.atan2(y - e.y, x - e.x) + e.phase));
      if (Math.hypot(x - e.x, y - e.y) < blob) label = e.colour;
    }
    if (signed > 0) {
      mask[i] = 1;
      labels[i] = ABCD_COLOURS.indexOf(label);
    }
    const lesionColour = palette[label];
    for (let c = 0; c < 3; c++) {
      const skinValue = skin[c] + 10 * lowFreq[i] + 3 * r.normal();
      const lesionValue = lesionColour[c] + 8 * lesionShade[i] + config.colour_noise * r.normal();
      rgb[i * 3 + c] = clampByte(alpha * lesionValue + (1 - alpha) * skinValue);
    }
  }

  const m: Mask = { width: size, height: size, data: mask };
  const area = maskArea(m);
  const shares: Partial<Record<AbcdColour, number>> = {};
  for (const [k, colour] of ABCD_COLOURS.entries()) {
    let n = 0;
    for (let i = 0; i < labels.length; i++) if (labels[i] === k) n++;
    if (n > 0) shares[colour] = n / area;
  }
  const colours = ABCD_COLOURS.filter((c) => (shares[c] ?? 0) >= config.min_colour_share);
  const indices = flipAsymmetry(m);
  const asymmetricAxes = indices.filter((a) => a > asymmetryThreshold).length;
  const abruptCount = abrupt.filter(Boolean).length;
  const tds = 1.3 * asymmetricAxes + 0.1 * abruptCount + 0.5 * colours.length + 0.5 * config.structures_score;
  const suspicious = tds > 4.75;
  const noisy = r.chance(config.label_noise);
  const label: 'suspicious' | 'benign' = suspicious !== noisy ? 'suspicious' : 'benign';

  const inkProbability = options.shortcut ? config.ink_given_label[label] : config.artefacts.ink;
  const artefacts = {
    hair: options.force?.hair ?? r.chance(config.artefacts.hair),
    ruler: options.force?.ruler ?? r.chance(config.artefacts.ruler),
    ink: options.force?.ink ?? r.chance(inkProbability),
  };
  if (artefacts.ink) drawInk(rgb, size, r, cx, cy, radius * (1 + ellipticity + asymmetry * 1.8 + border) + r.range(5, 9));
  if (artefacts.hair) drawHairs(rgb, size, r);
  if (artefacts.ruler) drawRuler(rgb, size, r);

  const diameter = maxFeretDiameter(m);
  const round = (v: number, d = 4) => Number(v.toFixed(d));
  return {
    width: size,
    height: size,
    rgb,
    mask: m,
    truth: {
      id: `lesion-${seed.toString(16).padStart(8, '0')}`,
      seed,
      generator_version: config.version,
      size: [size, size],
      pixel_spacing_mm: round(spacing, 5),
      profile: irregular ? 'irregular' : 'regular',
      shape: { centre: [round(cx, 2), round(cy, 2)], radius_px: round(radius, 2), ellipticity: round(ellipticity), asymmetry: round(asymmetry), border: round(border) },
      asymmetry: { indices: [round(indices[0]), round(indices[1])], asymmetric_axes: asymmetricAxes, threshold: asymmetryThreshold },
      border: { compactness: round(compactness(m)), abrupt_sectors: abrupt, abrupt_count: abruptCount },
      colours,
      colour_shares: Object.fromEntries(Object.entries(shares).map(([k, v]) => [k, round(v)])),
      area_px: area,
      diameter_px: round(diameter, 2),
      diameter_mm: round(diameter * spacing, 3),
      partial_view: touchesFrame(m),
      artefacts,
      tds: round(tds, 2),
      suspicious_truth: suspicious,
      label,
    },
  };
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/** Smooth noise in about [−1, 1]: a coarse random grid, bilinearly upsampled. */
function smoothNoise(r: Random, size: number, grid: number): Float32Array {
  const g = r.normals(grid * grid);
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const gx = (x / (size - 1)) * (grid - 1), gy = (y / (size - 1)) * (grid - 1);
    const x0 = Math.min(grid - 2, Math.floor(gx)), y0 = Math.min(grid - 2, Math.floor(gy));
    const fx = gx - x0, fy = gy - y0;
    const v = (1 - fx) * (1 - fy) * g[y0 * grid + x0] + fx * (1 - fy) * g[y0 * grid + x0 + 1] + (1 - fx) * fy * g[(y0 + 1) * grid + x0] + fx * fy * g[(y0 + 1) * grid + x0 + 1];
    out[y * size + x] = Math.max(-1, Math.min(1, v / 2));
  }
  return out;
}

function paintDisc(rgb: Uint8Array, size: number, x: number, y: number, radius: number, colour: Rgb, opacity: number): void {
  for (let py = Math.floor(y - radius - 1); py <= Math.ceil(y + radius + 1); py++) for (let px = Math.floor(x - radius - 1); px <= Math.ceil(x + radius + 1); px++) {
    if (px < 0 || py < 0 || px >= size || py >= size) continue;
    const cover = Math.min(1, Math.max(0, radius + 0.5 - Math.hypot(px - x, py - y))) * opacity;
    if (cover <= 0) continue;
    const i = (py * size + px) * 3;
    for (let c = 0; c < 3; c++) rgb[i + c] = clampByte((1 - cover) * rgb[i + c] + cover * colour[c]);
  }
}

/** A surgical skin-marker ring of violet dots around part of the lesion. */
function drawInk(rgb: Uint8Array, size: number, r: Random, cx: number, cy: number, ringRadius: number): void {
  const start = r.range(0, 2 * Math.PI);
  const span = r.range(0.6, 1.4) * Math.PI;
  const colour: Rgb = [112, 56, 150];
  for (let t = 0; t <= span; t += 0.09) {
    const a = start + t;
    paintDisc(rgb, size, cx + ringRadius * Math.cos(a) + r.normal() * 0.6, cy + ringRadius * Math.sin(a) + r.normal() * 0.6, r.range(1.2, 2.0), colour, 0.9);
  }
}

function drawHairs(rgb: Uint8Array, size: number, r: Random): void {
  const count = r.int(2, 6);
  for (let h = 0; h < count; h++) {
    const [x0, y0, x2, y2] = [r.range(0, size), r.range(0, size), r.range(0, size), r.range(0, size)];
    const [x1, y1] = [r.range(0, size), r.range(0, size)];
    const width = r.range(0.5, 0.9);
    for (let t = 0; t <= 1; t += 0.004) {
      const x = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * x1 + t * t * x2;
      const y = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * y1 + t * t * y2;
      paintDisc(rgb, size, x, y, width, [38, 28, 22], 0.85);
    }
  }
}

/** A millimetre ruler along one edge: a light band with dark ticks. */
function drawRuler(rgb: Uint8Array, size: number, r: Random): void {
  const top = r.chance(0.5);
  const band = 9;
  for (let y = 0; y < band; y++) for (let x = 0; x < size; x++) {
    const py = top ? y : size - 1 - y;
    const i = (py * size + x) * 3;
    const tick = x % 6 === 0 && y < (x % 30 === 0 ? 7 : 4);
    const v: Rgb = tick ? [30, 30, 30] : [236, 234, 224];
    for (let c = 0; c < 3; c++) rgb[i + c] = v[c];
  }
}
