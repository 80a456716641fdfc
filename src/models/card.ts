/** Model cards: schema-checked, and bound to their ONNX file by SHA-256. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { readYamlFile } from '../io/yaml.js';
import { validateWith } from '../schemas/validate.js';

export interface CategoricalFeature {
  readonly name: string;
  readonly type: 'categorical';
  readonly levels: readonly string[];
}

export interface NumericFeature {
  readonly name: string;
  readonly type: 'numeric';
  readonly transform: 'none' | 'log';
  readonly mean: number;
  readonly std: number;
  readonly valid_range: readonly [number, number];
}

export type TabularFeature = CategoricalFeature | NumericFeature;

export interface TabularPreprocessing {
  readonly kind: 'tabular';
  readonly input: string;
  readonly columns: number;
  readonly features: readonly TabularFeature[];
}

export interface ImagePreprocessing {
  readonly kind: 'image';
  readonly input: string;
  readonly size: readonly [number, number];
  readonly channel_order: 'RGB' | 'BGR';
  readonly scale: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  readonly resize?: 'fill' | 'cover' | 'contain';
}

export interface ModelCard {
  readonly schema_version: 1;
  readonly name: string;
  readonly version: string;
  readonly kind: string;
  readonly description: string;
  readonly intended_use: readonly string[];
  readonly out_of_scope_use: readonly string[];
  readonly training_data: Readonly<Record<string, unknown>> & { readonly name: string };
  readonly preprocessing: TabularPreprocessing | ImagePreprocessing;
  readonly output: {
    readonly name: string;
    readonly kind: string;
    readonly head?: 'sigmoid' | 'softmax' | 'none';
    readonly classes: readonly string[];
    readonly positive_class?: string;
    readonly threshold?: number;
  };
  readonly evaluation: Readonly<Record<string, unknown>>;
  readonly model_file: string;
  readonly sha256: string;
  readonly explanation: { readonly composite: string; readonly params?: Readonly<Record<string, number | number[]>>; readonly seed?: 'logit' | 'one-hot' };
  readonly limitations: readonly string[];
  /** The texts above (English) in other locales, item for item (CardTexts). */
  readonly translations?: Readonly<Record<string, CardTexts>>;
}

/** What a report quotes from a card, in one language. */
export interface CardTexts {
  readonly intended_use: readonly string[];
  readonly out_of_scope_use: readonly string[];
  readonly limitations: readonly string[];
  /** training_data.name. */
  readonly training_data: string;
}

export interface LoadedCard {
  readonly card: ModelCard;
  readonly file: string;
  /** Absolute path of the ONNX file, verified against the card's SHA-256. */
  readonly modelPath: string;
}

export function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function loadModelCard(file: string): LoadedCard {
  const card = validateWith<ModelCard>('model-card.schema.json', readYamlFile(file, 'model card'), file);
  const modelPath = path.resolve(path.dirname(file), card.model_file);
  if (!fs.existsSync(modelPath)) fail(`${file}: model_file ${card.model_file} does not exist`);
  const actual = sha256File(modelPath);
  if (actual !== card.sha256) fail(`${file}: sha256 ${card.sha256.slice(0, 12)}… does not match ${card.model_file} (${actual.slice(0, 12)}…): the model changed without its card`);
  if (card.preprocessing.kind === 'tabular') {
    const columns = card.preprocessing.features.reduce((n, f) => n + (f.type === 'categorical' ? f.levels.length : 1), 0);
    if (columns !== card.preprocessing.columns) fail(`${file}: preprocessing.columns is ${card.preprocessing.columns} but the features encode to ${columns}`);
  }
  for (const [locale, texts] of Object.entries(card.translations ?? {})) {
    for (const field of ['intended_use', 'out_of_scope_use', 'limitations'] as const) {
      if (texts[field].length !== card[field].length) fail(`${file}: translations.${locale}.${field} has ${texts[field].length} items, ${field} has ${card[field].length}: a translation gives each item, in the same order`);
    }
  }
  return { card, file, modelPath };
}

/** The card's texts in `locale` where it has them, else in English (`translated` false). */
export function cardTexts(card: ModelCard, locale: string): CardTexts & { readonly translated: boolean } {
  const translation = locale === 'en' ? undefined : card.translations?.[locale];
  if (translation) return { ...translation, translated: true };
  return { intended_use: card.intended_use, out_of_scope_use: card.out_of_scope_use, limitations: card.limitations, training_data: card.training_data.name, translated: locale === 'en' };
}
