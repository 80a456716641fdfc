/**
 * The dermatology domain's versioned data (config.yaml, palette.yaml, synthetic/generator.yaml), read once per
 * process (config.yaml and palette.yaml checked against schemas/dermatology-*.schema.json): every feature, the
 * generator and the tests take their thresholds from here.
 */
import { readYamlFile } from '../../src/io/yaml.js';
import { packagePath } from '../../src/paths.js';
import { validateWith } from '../../src/schemas/validate.js';
import type { AbcdConfig } from './features/abcd.js';
import type { QualityConfig } from './features/quality.js';
import type { RelevanceConfig } from './features/relevance.js';
import type { SegmentationConfig } from './features/segmentation.js';
import type { AbcdColour, GeneratorConfig } from './synthetic/generator.js';

export interface DermatologyConfig {
  readonly version: number;
  readonly abcd: { readonly asymmetry_axis_threshold: number; readonly tds_bands: { readonly benign_below: number; readonly suspicious_up_to: number }; readonly border: AbcdConfig['border'] };
  readonly segmentation: SegmentationConfig;
  readonly colour: AbcdConfig['colour'];
  readonly quality: QualityConfig;
  readonly relevance: RelevanceConfig;
  readonly analysis: { readonly long_side_px: number; readonly display_long_side_px: number; readonly plausible_pixel_spacing_mm: readonly [number, number] };
  readonly explanation: { readonly composite: string; readonly params: Readonly<Record<string, number | 'pixel_min' | 'pixel_max'>>; readonly seed: 'logit' | 'one-hot'; readonly target: 'positive_class' };
  readonly report: { readonly template: string; readonly default_model_card: string; readonly contour_rgb: readonly [number, number, number]; readonly overlay_scale_percentile: number };
}

type Rgb = readonly [number, number, number];

function once<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

const file = (...parts: string[]) => packagePath('domains', 'dermatology', ...parts);

export const loadDermatologyConfig = once(() => validateWith<DermatologyConfig>('dermatology-config.schema.json', readYamlFile(file('config.yaml'), 'dermatology config'), file('config.yaml')));
export const loadPalette = once(() => validateWith<{ colours: Record<AbcdColour, Rgb> }>('dermatology-palette.schema.json', readYamlFile(file('palette.yaml'), 'dermatology palette'), file('palette.yaml')).colours);
export const loadGeneratorConfig = once(() => readYamlFile(file('synthetic', 'generator.yaml'), 'lesion generator config') as GeneratorConfig);

/** What measureAbcd needs, assembled from config.yaml and palette.yaml. */
export const loadAbcdConfig = once((): AbcdConfig => {
  const config = loadDermatologyConfig();
  return { asymmetry_axis_threshold: config.abcd.asymmetry_axis_threshold, border: config.abcd.border, colour: config.colour, palette: loadPalette() };
});
