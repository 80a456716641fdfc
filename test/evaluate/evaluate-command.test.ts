/** `lrp-report evaluate` on the bundled credit model: the files it writes, and one-line errors for bad flags. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as evaluateCommand } from '../../src/cli/evaluate.js';
import { UserError } from '../../src/errors.js';
import { parseCasesSpec } from '../../src/evaluate/cases.js';
import { packagePath } from '../../src/paths.js';

const CARD = packagePath('models', 'credit', 'card.yaml');
const CSV = packagePath('models', 'credit', 'data', 'german_credit_tidy.csv');
let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lrp-evaluate-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('evaluate command', () => {
  it('writes the table (CSV + Markdown), the randomisation curve, JSON and two SVG plots', async () => {
    const out = path.join(dir, 'credit');
    const code = await evaluateCommand(['--model', CARD, '--cases', `csv:${CSV}:12`, '--methods', 'lrp,gradient-x-input,occlusion', '--subset', '4', '--random-orders', '2', '--out', out]);
    expect(code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['aopc.svg', 'randomisation.csv', 'randomisation.svg', 'results.csv', 'results.json', 'results.md']);
    const rows = fs.readFileSync(path.join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/^method,AOPC logit,AOPC probability,/);
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['lrp', 'gradient-x-input', 'occlusion', 'random order']);
    // The credit MLP has 3 linear layers: trained + 3 cascade steps per method.
    expect(fs.readFileSync(path.join(out, 'randomisation.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 3 * 4);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as { cases: number; caseIds: string[]; methods: { method: string; curveLogit: number[] }[] };
    expect(json.cases).toBe(12);
    expect(json.caseIds[0]).toBe('line 2');
    // 17 attributes removed one per step: 18 points per curve, starting at 0.
    expect(json.methods[0].curveLogit).toHaveLength(18);
    expect(json.methods[0].curveLogit[0]).toBe(0);
    for (const svg of ['aopc.svg', 'randomisation.svg']) {
      const text = fs.readFileSync(path.join(out, svg), 'utf8');
      expect(text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(text.match(/<polyline /g)?.length).toBe(svg === 'aopc.svg' ? 4 : 3);
    }
  });

  it('refuses unknown methods, cases that do not fit the model and --fill on a tabular model', async () => {
    await expect(evaluateCommand(['--model', CARD, '--cases', `csv:${CSV}:5`, '--methods', 'lrp,shap'])).rejects.toThrow(/--methods shap: expected some of/);
    await expect(evaluateCommand(['--model', CARD, '--cases', 'synthetic:1:5'])).rejects.toThrow(/tabular model german-credit-mlp takes csv:FILE/);
    await expect(evaluateCommand(['--model', CARD, '--cases', `csv:${CSV}:5`, '--fill', '0'])).rejects.toThrow(UserError);
    expect(() => parseCasesSpec('synthetic:7')).toThrow(/expected synthetic:SEED:N/);
    expect(parseCasesSpec('synthetic:7:50')).toEqual({ kind: 'synthetic', seed: 7, n: 50 });
    expect(parseCasesSpec('csv:a:b.csv:20')).toEqual({ kind: 'csv', file: 'a:b.csv', n: 20 });
  });
});
