/**
 * The TypeScript encoder reproduces the training script's encoding (fixture written by models/credit/train.py),
 * the ONNX model reproduces its probabilities, and bad cases fail with the field named.
 */
import fs from 'node:fs';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadModelCard } from '../../src/models/card.js';
import type { TabularPreprocessing } from '../../src/models/card.js';
import { columnNames, encodeCase } from '../../src/models/tabular-encoder.js';
import { packagePath } from '../../src/paths.js';

const { card, modelPath } = loadModelCard(packagePath('models', 'credit', 'card.yaml'));
const pre = card.preprocessing as TabularPreprocessing;
const fixture = JSON.parse(fs.readFileSync(packagePath('models', 'credit', 'encoding-fixture.json'), 'utf8')) as {
  columns: string[];
  rows: { index: number; case: Record<string, string>; encoded: number[]; probability: number }[];
};

describe('credit encoder', () => {
  it('has the training script column order', () => {
    expect(columnNames(pre)).toEqual(fixture.columns);
  });

  it('reproduces the training encoding and the model reproduces the training probabilities', async () => {
    const session = await ort.InferenceSession.create(modelPath);
    for (const row of fixture.rows) {
      const encoded = encodeCase(pre, row.case, `row ${row.index}`);
      expect(encoded.length).toBe(row.encoded.length);
      row.encoded.forEach((v, i) => expect(encoded[i], `row ${row.index} column ${fixture.columns[i]}`).toBeCloseTo(v, 6));
      const out = await session.run({ [pre.input]: new ort.Tensor('float32', encoded, [1, encoded.length]) });
      expect((out[card.output.name].data as Float32Array)[0]).toBeCloseTo(row.probability, 5);
    }
    await session.release();
  });

  it('names the field of every bad input, never defaulting', () => {
    const base = fixture.rows[0].case;
    const without = (k: string) => Object.fromEntries(Object.entries(base).filter(([key]) => key !== k));
    expect(() => encodeCase(pre, without('purpose'))).toThrow(/case: missing field purpose/);
    expect(() => encodeCase(pre, { ...base, housing: 'castle' })).toThrow(/field housing has unknown level "castle"; known levels: "rent", "own", "for free"/);
    expect(() => encodeCase(pre, { ...base, credit_amount: -500 })).toThrow(/field credit_amount = -500 is outside its valid range \[1, 1000000\]/);
    expect(() => encodeCase(pre, { ...base, duration_months: 'twelve' })).toThrow(/field duration_months must be a number \(got "twelve"\)/);
    expect(() => encodeCase(pre, { ...base, duration_months: '' })).toThrow(/missing field duration_months/);
    const polluted = JSON.parse(`{"__proto__": {"purpose": "car (new)"}}`) as Record<string, unknown>;
    expect(() => encodeCase(pre, { ...without('purpose'), ...polluted })).toThrow(/missing field purpose/);
  });
});
