/**
 * Plugging in by YAML alone: the logistic credit-lite model (models/credit-lite: card + domain YAML, no code),
 * checked against its exact decomposition x·w; a refusal no attribute counts against; and the prohibited-basis
 * guard driven by config variants.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { openCreditAssessor } from '../../../domains/credit/assess.js';
import { caseFromCsvRecord } from '../../../domains/credit/case.js';
import { DEFAULT_DOMAIN_FILE } from '../../../domains/credit/config.js';
import type { CreditContext } from '../../../domains/credit/context.js';
import { openCreditSession } from '../../../domains/credit/session.js';
import { reportCase } from '../../../src/domain/run.js';
import type { TabularPreprocessing } from '../../../src/models/card.js';
import { loadModelCard, sha256File } from '../../../src/models/card.js';
import { loadModelFile } from '../../../src/onnx/load.js';
import { encodeModel } from '../../../src/onnx/save.js';
import { formatMessage, loadMessages } from '../../../src/report/templates.js';
import { encodeCase } from '../../../src/models/tabular-encoder.js';
import { packagePath } from '../../../src/paths.js';
import { denseLayers, perAttribute, readCsv, scoreDirect } from './independent.js';

const records = readCsv(packagePath('models', 'credit', 'data', 'german_credit_tidy.csv'));
const inputs = records.map((r, i) => ({ creditCase: caseFromCsvRecord(r, `row ${i + 2}`), source: `row ${i + 2}` }));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-plugin-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('credit-lite, plugged in by a model card and a domain YAML', () => {
  it('explains every applicant with x·w, states adverse reasons and re-scorable hints', async () => {
    const { card, modelPath } = loadModelCard(packagePath('models', 'credit-lite', 'card.yaml'));
    const pre = card.preprocessing as TabularPreprocessing;
    const assessor = await openCreditAssessor(packagePath('models', 'credit-lite', 'domain.yaml'));
    try {
      const contexts = await assessor.assessBatch(inputs, 'us');
      const probabilities = await scoreDirect(modelPath, pre, card.output.name, records);
      const [layer] = denseLayers(modelPath);
      const used = new Set(pre.features.map((f) => f.name));
      const changed: Record<string, string | number>[] = [];
      contexts.forEach((c, i) => {
        expect(c.model.name).toBe('german-credit-lite');
        expect(c.decision.probability).toBeCloseTo(probabilities[i], 6);
        expect(c.decision.outcome).toBe(probabilities[i] >= card.output.threshold! ? 'refused' : 'approved');
        const x = encodeCase(pre, records[i]);
        const exact = perAttribute(pre, Array.from(x, (v, j) => v * layer.w[j]));
        for (const f of c.factors) {
          expect(used.has(f.attribute)).toBe(true);
          expect(Math.abs(f.relevance - exact.get(f.attribute)!)).toBeLessThan(1e-4);
        }
        expect(c.reasons.length).toBeLessThanOrEqual(4);
        for (const r of c.reasons) expect(exact.get(r.attribute)!).toBeGreaterThan(0);
        for (const h of c.hints.hints) changed.push({ ...records[i], ...Object.fromEntries(h.changes.map((ch) => [ch.attribute, ch.to])) });
      });
      const rescored = await scoreDirect(modelPath, pre, card.output.name, changed);
      rescored.forEach((p) => expect(p).toBeLessThan(card.output.threshold!));
      const refused = contexts.filter((c) => c.decision.outcome === 'refused');
      console.log(`credit-lite: ${refused.length} refused; hints for ${refused.filter((c) => c.hints.status === 'found').length}; ${changed.length} hints re-scored`);
      expect(changed.length).toBeGreaterThan(0);
    } finally {
      await assessor.close();
    }
  });
});

describe('a refusal no attribute counts against', () => {
  /**
   * credit-lite with every weight zero: each applicant gets the bias's probability, refused under a threshold below
   * it, and no attribute has relevance toward refusal (x·0), so none can be stated as a reason. Reasons ranked
   * against all applicants (no one is approved, so there is no cut-off to rank against).
   */
  function flatModelDomain(): string {
    const cardFile = packagePath('models', 'credit-lite', 'card.yaml');
    const model = loadModelFile(loadModelCard(cardFile).modelPath);
    const gemm = model.graph.nodes.find((n) => n.opType === 'Gemm')!;
    const weights = model.graph.initializers.get(gemm.inputs[1])!;
    (weights.data as Float32Array).fill(0);
    const modelFile = path.join(dir, 'flat.onnx');
    fs.writeFileSync(modelFile, encodeModel(model));
    const card = YAML.parse(fs.readFileSync(cardFile, 'utf8'));
    card.model_file = path.basename(modelFile);
    card.sha256 = sha256File(modelFile);
    card.training_data.file = packagePath('models', 'credit', 'data', 'german_credit_tidy.csv');
    card.output.threshold = 0.01;
    const flatCard = path.join(dir, 'flat-card.yaml');
    fs.writeFileSync(flatCard, YAML.stringify(card));
    const domainFile = path.join(dir, 'flat-domain.yaml');
    fs.writeFileSync(domainFile, `extends: ${JSON.stringify(packagePath('models', 'credit-lite', 'domain.yaml'))}\nmodel: { card: ${JSON.stringify(flatCard)}, refuse_class: bad }\nreference: { method: all, data: ${JSON.stringify(packagePath('models', 'credit', 'data', 'german_credit_tidy.csv'))} }\n`);
    return domainFile;
  }

  it('is escalated for a human to decide: no letter, the officer report and the audit record say why', async () => {
    const domainFile = flatModelDomain();
    const assessor = await openCreditAssessor(domainFile);
    try {
      const contexts = await assessor.assessBatch(inputs.slice(0, 20), 'us');
      for (const c of contexts) {
        expect(c.decision.outcome).toBe('refused');
        expect(c.reasons).toEqual([]);
        expect(c.escalation).toMatchObject({ code: 'no-adverse-reason', attributes: [] });
        expect(c.letter.status).toBe('blocked');
      }
    } finally {
      await assessor.close();
    }
    const session = await openCreditSession({ profile: 'us', domainFile });
    try {
      const out = path.join(dir, 'no-reasons');
      const report = await reportCase(session, { file: packagePath('domains', 'credit', 'demo', 'app-1001-refused.yaml') }, { domain: 'credit', outDir: out, formats: ['html'], locale: 'en' });
      expect(report.files.map((f) => path.basename(f))).toEqual(['APP-1001.officer-report.html']);
      expect(report.outcome.status).toBe('escalated');
      expect((report.outcome.summary as CreditContext).escalation?.code).toBe('no-adverse-reason');
      expect(report.record.escalations).toEqual([{ code: 'no-adverse-reason', detail: expect.stringMatching(/specific reasons cannot be stated; a human must review/) }]);
      expect(report.record.domain_result).toMatchObject({ reasons: [] });
      const html = fs.readFileSync(report.files[0], 'utf8');
      const words = loadMessages('credit', 'en');
      for (const key of ['officer.no_reasons', 'escalation.no-adverse-reason', 'officer.escalated_no_letter']) expect(html).toContain(formatMessage(words, key, {}));
    } finally {
      await session.close();
    }
  }, 60_000);
});

describe('prohibited-basis guard', () => {
  const variant = (name: string, body: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `extends: ${JSON.stringify(DEFAULT_DOMAIN_FILE)}\n${body}`);
    return file;
  };

  it('refuses letters for a model fed a prohibited basis, approved or refused', async () => {
    // As if the card fed a prohibited basis: the domain declares one of the model's inputs prohibited.
    const file = variant('prohibited-input.yaml', 'prohibited:\n  - { attribute: telephone, basis: test basis }\n');
    const assessor = await openCreditAssessor(file);
    try {
      const contexts = await assessor.assessBatch(inputs.slice(0, 60), 'us');
      expect(new Set(contexts.map((c) => c.decision.outcome))).toEqual(new Set(['approved', 'refused']));
      for (const c of contexts) {
        expect(c.escalation).toMatchObject({ code: 'prohibited-input', attributes: ['telephone'] });
        expect(c.letter.status).toBe('blocked');
        for (const f of c.factors.filter((x) => x.attribute === 'telephone')) expect(f.basis).toEqual({ kind: 'prohibited', basis: 'test basis' });
      }
    } finally {
      await assessor.close();
    }
  });

  it('escalates when a configured proxy would be a principal reason, never dropping it', async () => {
    const file = variant('proxy.yaml', 'proxies:\n  - { attribute: purpose, basis: test proxy }\n');
    const assessor = await openCreditAssessor(file);
    try {
      const contexts = await assessor.assessBatch(inputs.slice(0, 200), 'us');
      const flagged = contexts.filter((c) => c.reasons.some((r) => r.attribute === 'purpose'));
      expect(flagged.length).toBeGreaterThan(10);
      for (const c of flagged) {
        expect(c.escalation).toMatchObject({ code: 'proxy-reason', attributes: ['purpose'] });
        expect(c.letter.status).toBe('blocked');
        expect(c.reasons.find((r) => r.attribute === 'purpose')?.basis).toEqual({ kind: 'proxy', basis: 'test proxy' });
      }
      // The others' letters are ready unless the proxy decides their refusal (another purpose would approve them).
      for (const c of contexts.filter((x) => !flagged.includes(x) && x.reasons.length > 0)) {
        if (c.escalation) expect(c.escalation).toMatchObject({ code: 'proxy-decides', attributes: ['purpose'] });
        expect(c.letter.status).toBe(c.escalation ? 'blocked' : 'ready');
      }
    } finally {
      await assessor.close();
    }
  });
});
