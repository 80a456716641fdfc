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
  return { card, file, modelPath };
}
