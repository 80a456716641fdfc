/**
 * The automated ABCD criteria from an image and its lesion mask: asymmetry about the principal axes (0–2),
 * border irregularity (compactness), colours present (CIELAB palette), and the diameter in mm when a pixel
 * spacing is known. Thresholds and palette come from the domain's versioned config.
 */
import type { Mask } from '../../../src/imaging/mask.js';
import { compactness, erode, flipAsymmetry, maxFeretDiameter } from '../../../src/imaging/mask.js';
import type { Lab } from '../../../src/imaging/lab.js';
import { deltaE, rgbToLab } from '../../../src/imaging/lab.js';
import { medianFilter } from './segmentation.js';

export interface AbcdConfig {
  readonly asymmetry_axis_threshold: number;
  readonly colour: { readonly max_delta_e: number; readonly min_share: number; readonly interior_erosion_px: number; readonly median_filter_px: number };
  readonly palette: Readonly<Record<string, readonly [number, number, number]>>;
}

export interface AbcdMeasurement {
  readonly asymmetry: { readonly indices: [number, number]; readonly axes: number };
  readonly border: { readonly compactness: number };
  readonly colours: { readonly present: string[]; readonly shares: Record<string, number> };
  /** null: not measurable without a pixel spacing. */
  readonly diameter: { readonly px: number; readonly mm: number | null };
}

/** `shape`: the tight outline (asymmetry, border); `extent`: the full lesion (colours, diameter). */
export function measureAbcd(rgb: Uint8Array, shape: Mask, extent: Mask, skin: readonly [number, number, number], config: AbcdConfig, pixelSpacingMm: number | null): AbcdMeasurement {
  const indices = flipAsymmetry(shape);
  const diameterPx = maxFeretDiameter(extent);
  return {
    asymmetry: { indices, axes: indices.filter((a) => a > config.asymmetry_axis_threshold).length },
    border: { compactness: compactness(shape) },
    colours: coloursPresent(rgb, extent, skin, config),
    diameter: { px: diameterPx, mm: pixelSpacingMm === null ? null : diameterPx * pixelSpacingMm },
  };
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
