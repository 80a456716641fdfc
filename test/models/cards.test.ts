/** Every bundled model has a valid card bound to its ONNX file, and explains with its recommended composite. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileExplainer } from '../../src/lrp/compile/compile.js';
import { resolveComposite } from '../../src/lrp/composites/index.js';
import type { Explainer } from '../../src/lrp/explainer.js';
import { createExplainer } from '../../src/lrp/explainer.js';
import { loadModelCard } from '../../src/models/card.js';
import { loadModelFile } from '../../src/onnx/load.js';
import { packagePath } from '../../src/paths.js';
import { rng } from '../helpers/random.js';

/** Cards are `card.yaml` or `<model>.card.yaml` in a model folder (the `*.base.yaml` are training inputs). */
const isCard = (f: string) => f === 'card.yaml' || f.endsWith('.card.yaml');
const folders = fs.readdirSync(packagePath('models')).filter((d) => fs.statSync(packagePath('models', d)).isDirectory());
const cards = folders.flatMap((d) => fs.readdirSync(packagePath('models', d)).filter(isCard).map((f) => packagePath('models', d, f)));
const explainers: Explainer[] = [];
afterAll(async () => {
  for (const e of explainers) await e.close();
});

describe('bundled model cards', () => {
  it('exist for every bundled ONNX file', () => {
    const described = new Set(cards.map((file) => path.resolve(path.dirname(file), loadModelCard(file).card.model_file)));
    for (const dir of folders) {
      for (const onnx of fs.readdirSync(packagePath('models', dir)).filter((f) => f.endsWith('.onnx'))) {
        expect(described.has(packagePath('models', dir, onnx)), `a card for models/${dir}/${onnx}`).toBe(true);
      }
    }
    expect(cards.length).toBeGreaterThanOrEqual(2);
  });

  for (const file of cards) {
    it(`${path.relative(packagePath(), file)}: schema, hash, and an explanation with the recommended composite`, async () => {
      const { card, modelPath } = loadModelCard(file);
      const composite = resolveComposite(card.explanation.composite, card.explanation.params ?? {});
      const explainer = await createExplainer(compileExplainer(loadModelFile(modelPath), { composite, seed: card.explanation.seed ?? 'logit' }));
      explainers.push(explainer);
      const dims = [4, ...(explainer.info.input.shape ?? []).slice(1)] as number[];
      const x = rng(7).normals(dims.reduce((a, c) => a * c, 1));
      const result = await explainer.explain({ data: x, dims });
      expect(result.conservation).toHaveLength(4);
      for (const c of result.conservation) {
        expect(Number.isFinite(c.residual)).toBe(true);
        expect(c.residual).toBeCloseTo(c.seed - c.sum, 5);
      }
    });
  }

  it('refuses a card whose hash does not match its model, and a card with a bad field', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lrp-card-'));
    fs.copyFileSync(packagePath('models', 'credit', 'card.yaml'), path.join(dir, 'card.yaml'));
    const model = fs.readFileSync(packagePath('models', 'credit', 'model.onnx'));
    model[model.length - 5] ^= 1;
    fs.writeFileSync(path.join(dir, 'model.onnx'), model);
    expect(() => loadModelCard(path.join(dir, 'card.yaml'))).toThrow(/sha256 .* does not match model\.onnx/);
    const text = fs.readFileSync(packagePath('models', 'credit', 'card.yaml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'card.yaml'), text.replace('kind: tabular-binary-classifier', 'kind: oracle'));
    expect(() => loadModelCard(path.join(dir, 'card.yaml'))).toThrow(/card\.yaml: kind: must be one of/);
    fs.writeFileSync(path.join(dir, 'card.yaml'), text.replace(/^intended_use:\n(- .*\n)+/m, ''));
    expect(() => loadModelCard(path.join(dir, 'card.yaml'))).toThrow(/missing field "intended_use"/);
    expect(() => loadModelCard(path.join(dir, 'nope.yaml'))).toThrow(/cannot read model card/);
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses a translation that does not give every item of a text, naming it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lrp-card-'));
    fs.copyFileSync(packagePath('models', 'dermatology', 'lesion-classifier.onnx'), path.join(dir, 'lesion-classifier.onnx'));
    const text = fs.readFileSync(packagePath('models', 'dermatology', 'lesion-classifier.card.yaml'), 'utf8');
    const [before, translation] = text.split(/^translations:\n/m);
    // The translation's last limitation left out.
    fs.writeFileSync(path.join(dir, 'card.yaml'), `${before}translations:\n${translation.replace(/^ {6}- .*\n(?= {4}training_data:)/m, '')}`);
    expect(() => loadModelCard(path.join(dir, 'card.yaml'))).toThrow(/card\.yaml: translations\.zh-CN\.limitations has 3 items, limitations has 4: a translation gives each item, in the same order/);
    fs.rmSync(dir, { recursive: true });
  });

  it.each([
    ['models/dermatology/lesion-classifier.card.yaml', 'docs/evaluation/lesion/results.json'],
    ['models/dermatology/lesion-classifier-shortcut.card.yaml', 'docs/evaluation/lesion-shortcut/results.json'],
    ['models/credit/card.yaml', 'docs/evaluation/credit/results.json'],
    ['models/credit-lite/card.yaml', 'docs/evaluation/credit-lite/results.json'],
  ])('%s quotes the evaluation it links (%s)', (cardFile, resultsFile) => {
    const quality = loadModelCard(packagePath(cardFile)).card.evaluation.explanation_quality as { aopc: Record<string, number>; lrp_beats_random: number; n: number };
    const results = JSON.parse(fs.readFileSync(packagePath(resultsFile), 'utf8')) as {
      methods: { method: string; aopcPerCase: number[]; winRate: number }[];
      random: { aopcLogit: { mean: number } };
    };
    const lrp = results.methods.find((m) => m.method === 'lrp')!;
    const perCase = lrp.aopcPerCase;
    const mean = perCase.reduce((s, v) => s + v, 0) / perCase.length;
    expect(quality.n).toBe(perCase.length);
    expect(quality.aopc.lrp).toBeCloseTo(mean, 3);
    expect(quality.aopc.random_order).toBeCloseTo(results.random.aopcLogit.mean, 3);
    expect(quality.lrp_beats_random).toBe(Math.round(lrp.winRate * perCase.length));
  });
});
