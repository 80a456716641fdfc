/** A dermatology case file (YAML or JSON): schema-checked, paths resolved against the file, spacing unit checked. */
import path from 'node:path';
import { fail } from '../../src/errors.js';
import { readYamlFile } from '../../src/io/yaml.js';
import { validateWith } from '../../src/schemas/validate.js';
import { packagePath } from '../../src/paths.js';
import { loadDermatologyConfig } from './config.js';

export interface DermatologyCase {
  readonly file: string;
  readonly caseId: string;
  readonly lesionId: string;
  readonly bodySite: string | null;
  /** Absolute path. */
  readonly image: string;
  readonly acquiredOn: string | null;
  readonly pixelSpacingMm: number | null;
  readonly prior: { readonly image: string; readonly acquiredOn: string; readonly pixelSpacingMm: number | null } | null;
  readonly clinicianStructures: number | null;
  readonly modelCard: string;
  readonly decisionTime: Date;
}

interface CaseFile {
  schema_version: 1;
  case_id: string;
  lesion_id: string;
  body_site?: string;
  image: string;
  acquired_on?: string;
  pixel_spacing_mm?: number;
  prior_image?: { image: string; acquired_on: string; pixel_spacing_mm?: number };
  clinician?: { structures?: number };
  model_card?: string;
  decision_time?: string;
}

const localDate = (d: Date): string => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

export function loadDermatologyCase(file: string, now: () => Date = () => new Date()): DermatologyCase {
  const raw = validateWith<CaseFile>('dermatology-case.schema.json', readYamlFile(file, 'case file'), file);
  const dir = path.dirname(path.resolve(file));
  const [low, high] = loadDermatologyConfig().analysis.plausible_pixel_spacing_mm;
  const spacing = (value: number | undefined, field: string): number | null => {
    if (value === undefined) return null;
    if (!(value >= low && value <= high)) fail(`${file}: ${field}: ${value} mm per pixel is outside ${low}–${high}: give millimetres per pixel (not µm, not pixels per mm)`);
    return value;
  };
  const decisionTime = raw.decision_time ? new Date(raw.decision_time) : now();
  if (Number.isNaN(decisionTime.getTime())) fail(`${file}: decision_time: ${raw.decision_time} is not a time that can be read (a leap second?)`);
  // Dates in order: an image is not taken after the decision made on it, and a prior image comes before this one.
  // The decision's calendar date is where it was made: as written (with its offset), or today's local date; its
  // UTC date would refuse a same-day image decided east of UTC before its offset's hour.
  const decidedOn = raw.decision_time ? raw.decision_time.slice(0, 10) : localDate(decisionTime);
  if (raw.acquired_on !== undefined && raw.acquired_on > decidedOn) fail(`${file}: acquired_on: ${raw.acquired_on} is after the decision date ${decidedOn}`);
  if (raw.prior_image) {
    const prior = raw.prior_image.acquired_on;
    if (prior > decidedOn) fail(`${file}: prior_image.acquired_on: ${prior} is after the decision date ${decidedOn}`);
    if (raw.acquired_on !== undefined && prior >= raw.acquired_on) fail(`${file}: prior_image.acquired_on: ${prior} is not before acquired_on ${raw.acquired_on} (a prior image is an earlier one)`);
  }
  return {
    file,
    caseId: raw.case_id,
    lesionId: raw.lesion_id,
    bodySite: raw.body_site ?? null,
    image: path.resolve(dir, raw.image),
    acquiredOn: raw.acquired_on ?? null,
    pixelSpacingMm: spacing(raw.pixel_spacing_mm, 'pixel_spacing_mm'),
    prior: raw.prior_image
      ? { image: path.resolve(dir, raw.prior_image.image), acquiredOn: raw.prior_image.acquired_on, pixelSpacingMm: spacing(raw.prior_image.pixel_spacing_mm, 'prior_image.pixel_spacing_mm') }
      : null,
    clinicianStructures: raw.clinician?.structures ?? null,
    modelCard: raw.model_card ? path.resolve(dir, raw.model_card) : packagePath(loadDermatologyConfig().report.default_model_card),
    decisionTime,
  };
}
