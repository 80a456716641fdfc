/**
 * The dermatology domain's versioned data (config.yaml, palette.yaml, synthetic/generator.yaml), read once per
 * process: every feature, the generator and the tests take their thresholds from here.
 */
import { readYamlFile } from '../../src/io/yaml.js';
import { packagePath } from '../../src/paths.js';
import type { AbcdConfig } from './features/abcd.js';
import type { QualityConfig } from './features/quality.js';
import type { SegmentationConfig } from './features/segmentation.js';
import type { AbcdColour, GeneratorConfig } from './synthetic/generator.js';

export interface DermatologyConfig {
  readonly version: number;
  readonly abcd: { readonly asymmetry_axis_threshold: number; readonly tds_bands: { readonly benign_below: number; readonly suspicious_up_to: number } };
  readonly segmentation: SegmentationConfig;
  readonly colour: AbcdConfig['colour'];
  readonly quality: QualityConfig;
}

type Rgb = readonly [number, number, number];

function once<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

const file = (...parts: string[]) => packagePath('domains', 'dermatology', ...parts);

export const loadDermatologyConfig = once(() => readYamlFile(file('config.yaml'), 'dermatology config') as DermatologyConfig);
export const loadPalette = once(() => (readYamlFile(file('palette.yaml'), 'dermatology palette') as { colours: Record<AbcdColour, Rgb> }).colours);
export const loadGeneratorConfig = once(() => readYamlFile(file('synthetic', 'generator.yaml'), 'lesion generator config') as GeneratorConfig);

/** What measureAbcd needs, assembled from config.yaml and palette.yaml. */
export const loadAbcdConfig = once((): AbcdConfig => {
  const config = loadDermatologyConfig();
  return { asymmetry_axis_threshold: config.abcd.asymmetry_axis_threshold, colour: config.colour, palette: loadPalette() };
});
