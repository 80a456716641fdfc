/**
 * The clinician case report end to end (plugin → template → HTML and PDF), read back as a reader would:
 * pdftotext for the words, pdffonts / pdfimages / pdfinfo for the structure, in both locales.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp.js';
import { plugin } from '../../../domains/dermatology/plugin.js';
import { generateLesion, imageSeed } from '../../../domains/dermatology/synthetic/generator.js';
import { recordDigest } from '../../../src/audit/record.js';
import { openLesionModel, type DermatologyContext } from '../../../domains/dermatology/assess.js';
import { loadDermatologyConfig } from '../../../domains/dermatology/config.js';
import { itaDegrees } from '../../../domains/dermatology/features/quality.js';
import { segmentLesion } from '../../../domains/dermatology/features/segmentation.js';
import type { DomainSession } from '../../../src/domain/plugin.js';
import { reportCase } from '../../../src/domain/run.js';
import { cardTexts, loadModelCard } from '../../../src/models/card.js';
import { packagePath } from '../../../src/paths.js';
import { formatMessage, loadMessages } from '../../../src/report/templates.js';

const demo = (name: string) => packagePath('domains', 'dermatology', 'demo', name);
let session: DomainSession;
let dir: string;

const squash = (s: string) => s.replace(/\s+/g, ' ');
const pdfText = (file: string) => squash(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }));

async function report(caseFile: string, locale = 'en', formats: ('pdf' | 'html')[] = ['pdf', 'html']) {
  const out = fs.mkdtempSync(path.join(dir, 'out-'));
  const r = await reportCase(session, { file: caseFile }, { domain: 'dermatology', outDir: out, formats, locale });
  return { ...r, context: r.outcome.summary as DermatologyContext, pdf: r.files.find((f) => f.endsWith('.pdf'))!, html: r.files.find((f) => f.endsWith('.html'))! };
}

beforeAll(async () => {
  dir = tempDir('derm-report-');
  session = await plugin.open({});
});
afterAll(async () => {
  await session.close();
});

describe.each(['en', 'zh-CN'])('dermatology case report (%s)', (locale) => {
  const m = loadMessages('dermatology', locale);
  const t = (key: string, values: Record<string, unknown> = {}) => squash(formatMessage(m, key, values));
  let r: Awaited<ReturnType<typeof report>>;
  let text: string;
  beforeAll(async () => {
    r = await report(demo('derm-001.yaml'), locale);
    text = pdfText(r.pdf);
  }, 60_000);

  it('holds every block of the report in the PDF text', () => {
    const { card } = loadModelCard(packagePath('models', 'dermatology', 'lesion-classifier.card.yaml'));
    for (const key of ['title', 'intended.short_title', 'output.title', 'output.threshold', 'output.risk_band', 'relevance.title', 'abcd.title', 'abcd.a', 'abcd.b', 'abcd.c', 'abcd.d', 'abcde.diameter', 'abcde.evolution', 'quality.title', 'method.title', 'method.conservation', 'model.title', 'model.training_data', 'intended.title', 'method.composite']) {
      expect(text, key).toContain(t(key));
    }
    expect(text).toContain(t('case.line', { case_id: 'DERM-001', lesion_id: 'L-001' }));
    // The decision time as people read it (the case says 2026-11-26T09:00:00Z), not JavaScript's ISO string.
    expect(text).toContain(t('case.report_time', { time: '2026-11-26 09:00 UTC' }));
    expect(text).toContain(card.sha256);
    // The class the model scores, in the locale's words (the Chinese report printed "suspicious").
    expect(text).toContain(t('output.probability', { class: m.get(`labels.class.${r.context.output.positive_class}`) }));
    if (locale === 'zh-CN') expect(text).not.toContain('suspicious');
    expect(text).toContain(r.context.explanation.relevance_sha256);
    expect(text).toContain('epsilon-gamma-box');
    // The one line on how the explanation was validated, with the card's evaluation numbers.
    const evaluation = r.context.explanation.evaluation!;
    expect(evaluation).toMatchObject({ n: 50, report: 'EVALUATION.md' });
    expect(text).toContain(t('method.evaluated', { n: evaluation.n, beat: evaluation.lrp_beats_random, lrp: '', random: '', report: '' }).slice(0, 25));
    // The words the standards require, in this locale.
    for (const key of ['intended.card_use', 'intended.card_not_for', 'intended.not_diagnosis', 'intended.clinician_decides', 'intended.research_only', 'method.conservation_note']) expect(text, key).toContain(t(key).slice(0, 20));
    // The model's own intended and excluded uses, as its card states them (the bundled model excludes clinical use).
    expect(r.context.model.texts.en.out_of_scope_use[0]).toMatch(/^Any clinical use/);
    expect(r.context.output.risk_band).not.toBeNull();
    expect(text).toContain(t(`risk_band.${r.context.output.risk_band}`).slice(0, 15));
    // TDS from the automated A, B, C and the clinician's D, with its provenance.
    const abcd = r.context.abcd!;
    const tds = 1.3 * abcd.asymmetry!.axes + 0.1 * abcd.border!.abrupt_sectors + 0.5 * abcd.colours!.count + 0.5 * 3;
    expect(abcd.tds!.value).toBeCloseTo(tds, 2);
    // Table cells wrap, and pdftotext interleaves wrapped cells: look for the short parts.
    expect(text).toContain(abcd.tds!.value.toFixed(2));
    expect(text).toContain(t(`tds_band.${abcd.tds!.band}`));
    expect(text).toContain(t('provenance.clinician'));
    expect(text).toContain(t('abcde.diameter_mm', { mm: abcd.diameter_mm!.toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) }).slice(0, 8));
  });

  it('is a multi-page PDF with every font embedded and the four figures', () => {
    const info = execFileSync('pdfinfo', [r.pdf], { encoding: 'utf8' });
    expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).toBeGreaterThanOrEqual(2);
    const fonts = execFileSync('pdffonts', [r.pdf], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(fonts.length).toBeGreaterThanOrEqual(2);
    for (const line of fonts) expect(line).toMatch(/\s+yes\s+yes\s+yes\s+\d+\s+\d+$/);
    if (locale === 'zh-CN') expect(fonts.join('\n')).toMatch(/NotoSansCJKsc/);
    const images = execFileSync('pdfimages', ['-list', r.pdf], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(images.length).toBe(4);
  });

  it("quotes the model card in the report's language", () => {
    const { card } = loadModelCard(packagePath('models', 'dermatology', 'lesion-classifier.card.yaml'));
    const texts = cardTexts(card, locale);
    expect(texts.translated).toBe(true);
    // The template finds the card's words by the locale's `lang`: it must be the locale's name.
    expect(m.get('lang')).toBe(locale);
    // pdftotext breaks lines anywhere in Chinese text: compared without white space.
    const bare = (x: string) => x.replace(/\s+/g, '');
    for (const item of [...texts.limitations, ...texts.intended_use, ...texts.out_of_scope_use, texts.training_data]) expect(bare(text)).toContain(bare(item));
    if (locale !== 'en') for (const item of card.limitations) expect(bare(text)).not.toContain(bare(item));
    expect(text).not.toContain(t('model.card_in_english'));
  });

  it('writes a self-contained HTML file with the same content', () => {
    const html = fs.readFileSync(r.html, 'utf8');
    expect(html).toContain(`<html lang="${locale}">`);
    expect(html.match(/src="data:image\/png;base64,/g)).toHaveLength(4);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain(r.context.model.sha256);
  });
});

describe('dermatology report: flags, warnings and reproducibility', () => {
  it('warns when the model flags a lesion on evidence that mostly lies off it, though most of all the relevance is on it', async () => {
    // Seed 7007, image 25, with ink, under the shortcut model: 48 % of the positive relevance on the lesion (minimum
    // 50 %), but more than 55 % of all relevance, so only the positive share shows it.
    const lesion = generateLesion(imageSeed(7007, 25), { force: { ink: true } });
    await sharp(Buffer.from(lesion.rgb), { raw: { width: lesion.width, height: lesion.height, channels: 3 } }).png().toFile(path.join(dir, 'ink-25.png'));
    const caseFile = path.join(dir, 'ink-25.yaml');
    fs.writeFileSync(caseFile, `schema_version: 1\ncase_id: INK-25\nlesion_id: L\nimage: ink-25.png\npixel_spacing_mm: 0.09\nmodel_card: ${packagePath('models', 'dermatology', 'lesion-classifier-shortcut.card.yaml')}\ndecision_time: 2026-11-26T10:00:00Z\n`);
    const r = await report(caseFile, 'en', ['pdf']);
    const rel = r.context.relevance!;
    expect(r.context.output.at_or_above_threshold).toBe(true);
    expect(rel.inside_share).toBeGreaterThanOrEqual(rel.min_inside_share);
    expect(rel.inside_positive_share).toBeLessThan(rel.min_positive_inside_share);
    expect(rel).toMatchObject({ shortcut_suspected: true, shortcut_share: 'positive' });
    // No bold risk band beside the warning (the ink mark, a critical flag, suppresses it first here).
    expect(r.context.output).toMatchObject({ risk_band: null, band_suppressed_by: r.context.caution.shown ? 'quality' : 'shortcut' });
    expect(r.outcome.notes).toContain(`warning: the model flags the lesion, but only ${(rel.inside_positive_share * 100).toFixed(rel.shortcut_digits)} % of the relevance raising its score lies on it`);
    const m = loadMessages('dermatology', 'en');
    expect(pdfText(r.pdf)).toContain(squash(formatMessage(m, 'shortcut.text_positive', { share: `${(rel.inside_positive_share * 100).toFixed(rel.shortcut_digits)}\u00a0%`, minimum: '50\u00a0%', class: 'suspicious' })).slice(0, 60));
  }, 60_000);

  it('an ink-marked image gets the caution banner, no risk band, and its score marked unreliable, not compared', async () => {
    const r = await report(demo('derm-003.yaml'), 'en', ['pdf']);
    expect(r.context.quality.flags.map((f) => f.id)).toContain('ink');
    expect(r.context.caution.shown).toBe(true);
    expect(r.context.output.risk_band).toBeNull();
    // The record and the batch summary do not state a comparison the report withholds.
    expect(r.record.output.decision).toBe('not_compared');
    const text = pdfText(r.pdf);
    const m = loadMessages('dermatology', 'en');
    expect(text).toContain(squash(formatMessage(m, 'caution.title', {})));
    expect(text).toContain(squash(formatMessage(m, 'output.band_suppressed', {})));
    // The score stays visible (the clinician may want it) but is not presented as a finding.
    expect(text).toContain(squash(formatMessage(m, 'output.unreliable_note', {})).trim());
    expect(text).toContain(squash(formatMessage(m, 'output.not_compared', {})));
    for (const finding of ['output.at_or_above', 'output.below']) expect(text).not.toContain(squash(formatMessage(m, finding, {})));
  }, 60_000);

  it('skin outside the tones the model was trained on (the ITA° range of its card) is a critical flag stating both; the training skin tones are inside it', async () => {
    const config = loadDermatologyConfig();
    const cards = ['lesion-classifier.card.yaml', 'lesion-classifier-shortcut.card.yaml'].map((f) => loadModelCard(packagePath('models', 'dermatology', f)).card);
    const [low, high] = cards[0].training_data.skin_ita_deg as [number, number];
    // Each card's range holds the skin of its training images (its generator seed), measured as the report measures it.
    for (const card of cards) {
      const seed = (card.training_data.train_set as { generator_seed: number }).generator_seed;
      const [cardLow, cardHigh] = card.training_data.skin_ita_deg as [number, number];
      for (let i = 0; i < 60; i++) {
        const { rgb, width, height } = generateLesion(imageSeed(seed, i));
        const ita = itaDegrees(segmentLesion(rgb, width, height, config.segmentation).skin);
        expect(ita).toBeGreaterThanOrEqual(cardLow);
        expect(ita).toBeLessThanOrEqual(cardHigh);
      }
    }
    // ITA° by Chardon's formula: arctan((L* - 50) / b*), brown from -30 to 10.
    expect(itaDegrees([145, 105, 78])).toBeCloseTo(-5.7, 1);
    expect(itaDegrees([232, 190, 165])).toBeCloseTo(58.6, 1);
    expect(itaDegrees([128, 128, 128])).toBeCloseTo(90, 3);
    // No yellow (b* <= 0): the extreme of its side of L* 50, never beyond +-90.
    expect(itaDegrees([100, 105, 130])).toBe(-90);
    // A demo lesion on brown skin (ITA° about -6, L* 48: bright enough to pass the exposure check): every pixel
    // shifted by the step from its skin to the brown.
    const lesion = generateLesion(imageSeed(8008, 0));
    const skin = segmentLesion(lesion.rgb, lesion.width, lesion.height, config.segmentation).skin;
    const brown = [145, 105, 78];
    const shifted = Buffer.from(lesion.rgb.map((v, i) => Math.max(0, Math.min(255, v + brown[i % 3] - skin[i % 3]))));
    await sharp(shifted, { raw: { width: lesion.width, height: lesion.height, channels: 3 } }).png().toFile(path.join(dir, 'brown.png'));
    fs.writeFileSync(path.join(dir, 'brown.yaml'), fs.readFileSync(demo('derm-002.yaml'), 'utf8').replace(/^prior_image:.*$/m, '').replaceAll('derm-002.png', 'brown.png'));
    const r = await report(path.join(dir, 'brown.yaml'), 'en', ['pdf']);
    const measured = r.context.quality.skin_ita.measured;
    expect(measured).toBeLessThan(low);
    expect(measured).toBeCloseTo(itaDegrees(brown as [number, number, number]), -1);
    expect(r.context.quality.flags).toContainEqual({ id: 'skin_tone', critical: true });
    // The gap this closes: skin this light passes the exposure check.
    expect(r.context.quality.flags.map((f) => f.id)).not.toContain('exposure');
    expect(r.context.output.risk_band).toBeNull();
    expect(r.record.output.decision).toBe('not_compared');
    const m = loadMessages('dermatology', 'en');
    expect(pdfText(r.pdf)).toContain(squash(formatMessage(m, 'quality.text.skin_tone', { measured, low, high })));
    // The demo lesion on its own skin is not flagged.
    expect((await report(demo('derm-002.yaml'), 'en', ['pdf'])).context.quality.flags.map((f) => f.id)).not.toContain('skin_tone');
  }, 60_000);

  it("a card without words in the report's language is quoted in English, and the report says so", async () => {
    const cardFile = packagePath('models', 'dermatology', 'lesion-classifier.card.yaml');
    const [english] = fs.readFileSync(cardFile, 'utf8').split(/^translations:\n/m);
    fs.writeFileSync(path.join(dir, 'english.card.yaml'), english);
    fs.copyFileSync(packagePath('models', 'dermatology', 'lesion-classifier.onnx'), path.join(dir, 'lesion-classifier.onnx'));
    fs.writeFileSync(path.join(dir, 'english-card.yaml'), `${fs.readFileSync(demo('derm-003.yaml'), 'utf8').replaceAll('derm-003.png', demo('derm-003.png'))}model_card: english.card.yaml\n`);
    const r = await report(path.join(dir, 'english-card.yaml'), 'zh-CN', ['pdf']);
    const text = pdfText(r.pdf);
    const { card } = loadModelCard(cardFile);
    for (const item of card.limitations) expect(text).toContain(squash(item));
    expect(text).toContain(squash(formatMessage(loadMessages('dermatology', 'zh-CN'), 'model.card_in_english', {})));
  }, 60_000);

  it('a card that does not state its training skin tones is refused, naming the field', async () => {
    const cardFile = packagePath('models', 'dermatology', 'lesion-classifier.card.yaml');
    const text = fs.readFileSync(cardFile, 'utf8').replace(/^  skin_ita_deg:\n(  - .*\n)+/m, '');
    expect(text).not.toContain('skin_ita_deg');
    const copy = path.join(dir, 'no-skin.card.yaml');
    fs.writeFileSync(copy, text);
    fs.copyFileSync(packagePath('models', 'dermatology', 'lesion-classifier.onnx'), path.join(dir, 'lesion-classifier.onnx'));
    await expect(openLesionModel(copy)).rejects.toThrow(/no-skin\.card\.yaml: training_data\.skin_ita_deg: the dermatology report needs the skin tones of the training images .*; the card has none/);
  });

  it('a greyscale image and a JPEG copy are critical flags: the criteria they invalidate are not assessable, so there is no TDS; the diameter is marked unreliable', async () => {
    const m = loadMessages('dermatology', 'en');
    const notAssessable = (...reasons: string[]) => squash(formatMessage(m, 'abcd.not_assessable', {}) + reasons.map((r) => formatMessage(m, `abcd.because.${r}`, {})).join(formatMessage(m, 'list_separator', {})));
    const copy = async (name: string, encode: (image: Sharp) => Sharp | Promise<Sharp>, from = 'derm-001') => {
      await (await encode(sharp(demo(`${from}.png`)))).toFile(path.join(dir, name));
      const caseFile = path.join(dir, `${name}.yaml`);
      fs.writeFileSync(caseFile, fs.readFileSync(demo(`${from}.yaml`), 'utf8').replaceAll(`image: ${from}.png`, `image: ${name}`));
      return report(caseFile, 'en', ['pdf']);
    };
    const grey = await copy('grey.png', (i) => i.greyscale().png());
    expect(grey.context.caution.flags).toContain('no_colour');
    // Grey has no skin tone: no_colour says why the model does not apply, not a skin-tone flag.
    expect(grey.context.caution.flags).not.toContain('skin_tone');
    expect(grey.context.abcd!.colours).toBeNull();
    expect(grey.context.abcd!.not_assessable.colour).toEqual(['no_colour']);
    expect(grey.context.abcd!.tds).toBeNull();
    expect(grey.record.domain_result).toMatchObject({ abcd: { colour: { score: null, provenance: 'not-assessed' } }, tds: null });
    const greyText = pdfText(grey.pdf);
    expect(greyText).toContain(notAssessable('no_colour'));
    for (const key of ['abcd.tds_not_assessable', 'quality.text.no_colour']) expect(greyText, key).toContain(squash(formatMessage(m, key, {})));
    const jpeg = await copy('lossy.jpg', (i) => i.jpeg({ quality: 85 }));
    expect(jpeg.context.caution.flags).toEqual(['lossy_compression']);
    expect(jpeg.context.abcd).toMatchObject({ asymmetry: { axes: expect.any(Number) }, border: null, colours: null, tds: null, not_assessable: { asymmetry: [], border: ['lossy_compression'], colour: ['lossy_compression'], diameter: [] } });
    expect(jpeg.record.domain_result).toMatchObject({ abcd: { border: { score: null, provenance: 'not-assessed' }, colour: { score: null, provenance: 'not-assessed' } }, tds: null });
    const jpegText = pdfText(jpeg.pdf);
    expect(jpegText).toContain(squash(formatMessage(m, 'quality.text.lossy_compression', {})));
    expect(jpegText).toContain(notAssessable('lossy_compression').slice(0, 35)); // the cell wraps
    // The diameter says it is unreliable (the score too, as for any critical flag).
    expect(jpegText.split(squash(formatMessage(m, 'output.unreliable_note', {})).trim()).length - 1).toBeGreaterThanOrEqual(2);
    // Cut at the edge: shape and size are incomplete.
    const cropped = await copy('cropped.png', (i) => i.extract({ left: 0, top: 0, width: 64, height: 128 }).png());
    expect(cropped.context.caution.flags).toContain('partial_view');
    expect(cropped.context.abcd).toMatchObject({ asymmetry: null, border: null, diameter_mm: null, tds: null });
    expect(pdfText(cropped.pdf)).toContain(notAssessable('partial_view'));
    // A heavily compressed copy stored losslessly again: no outline could be traced (it stopped the report, "a number
    // was expected, got null"); B is not assessable, the rest is reported.
    const resaved = await copy('resaved.png', async (i) => sharp(await i.jpeg({ quality: 30 }).toBuffer()).png(), 'derm-002');
    expect(resaved.context.abcd!.border).toBeNull();
    expect(resaved.context.abcd!.not_assessable.border).toContain('no_outline');
    // The original PNG raises neither flag, and every criterion is assessed.
    const original = await report(demo('derm-001.yaml'), 'en', ['pdf']);
    expect(original.context.quality.flags.map((f) => f.id)).not.toContain('no_colour');
    expect(original.context.quality.flags.map((f) => f.id)).not.toContain('lossy_compression');
    expect(original.context.abcd).toMatchObject({ asymmetry: { axes: 2 }, border: { abrupt_sectors: 5 }, tds: { value: 6.1 } });
  }, 90_000);

  it('a blank image is a flagged report (no lesion found), not a crash', async () => {
    const blank = path.join(dir, 'blank.png');
    await sharp({ create: { width: 200, height: 150, channels: 3, background: { r: 214, g: 170, b: 140 } } }).png().toFile(blank);
    const caseFile = path.join(dir, 'blank.yaml');
    fs.writeFileSync(caseFile, 'schema_version: 1\ncase_id: BLANK-1\nlesion_id: L\nimage: blank.png\ndecision_time: 2026-11-26T10:00:00Z\n');
    const r = await report(caseFile, 'en', ['pdf']);
    expect(r.context.quality.flags[0]).toEqual({ id: 'no_lesion', critical: true });
    expect(r.context.abcd).toBeNull();
    expect(r.context.relevance).toBeNull();
    expect(r.context.output.risk_band).toBeNull();
    expect(pdfText(r.pdf)).toContain(squash(formatMessage(loadMessages('dermatology', 'en'), 'abcd.not_measured', {})));
  }, 60_000);

  it('a faint pink region is outlined with a colour-only caution, neither "no lesion found" nor measured as a lesion; a clearly pink lesion is measured with a pink-lesion caution', async () => {
    const { width, height, mask } = generateLesion(imageSeed(4004, 3), { force: { hair: false, ruler: false, ink: false } });
    const write = async (name: string, colour: number[]) => {
      const rgb = Buffer.alloc(width * height * 3);
      for (let p = 0; p < width * height; p++) rgb.set(mask.data[p] ? colour : [220, 175, 145], p * 3);
      await sharp(rgb, { raw: { width, height, channels: 3 } }).png().toFile(path.join(dir, `${name}.png`));
      const caseFile = path.join(dir, `${name}.yaml`);
      fs.writeFileSync(caseFile, `schema_version: 1\ncase_id: ${name.toUpperCase()}\nlesion_id: L\nimage: ${name}.png\ndecision_time: 2026-11-26T10:00:00Z\npixel_spacing_mm: 0.08\n`);
      return report(caseFile, 'en', ['pdf']);
    };
    const messages = loadMessages('dermatology', 'en');
    const faint = await write('faint-pink', [228, 150, 135]);
    expect(faint.context.quality.flags).toContainEqual({ id: 'colour_only', critical: true });
    expect(faint.context.quality.flags.map((f) => f.id)).not.toContain('no_lesion');
    expect(faint.context.lesion).toBe('colour_only');
    expect(faint.context.abcd).toBeNull();
    expect(faint.context.output.risk_band).toBeNull();
    const faintText = pdfText(faint.pdf);
    for (const key of ['quality.text.colour_only', 'abcd.not_measured_colour_only']) expect(faintText, key).toContain(squash(formatMessage(messages, key, {})));
    expect(faintText).not.toContain(squash(formatMessage(messages, 'quality.name.no_lesion', {})));
    const clear = await write('clear-pink', [226, 120, 112]);
    expect(clear.context.lesion).toBe('measured');
    expect(clear.context.quality.flags).toContainEqual({ id: 'pink_lesion', critical: true });
    expect(clear.context.abcd).not.toBeNull();
    expect(clear.context.output.risk_band).toBeNull();
    expect(pdfText(clear.pdf)).toContain(squash(formatMessage(messages, 'quality.text.pink_lesion', {})));
    // With a prior image: an image with no lesion measured still says what became of it (its ABCD table, where the
    // evolution row is, is not shown), and a colour-only prior is not called "no lesion".
    const withPrior = (name: string, image: string, prior: string) => {
      const caseFile = path.join(dir, `${name}.yaml`);
      fs.writeFileSync(caseFile, `schema_version: 1\ncase_id: ${name.toUpperCase()}\nlesion_id: L\nimage: ${image}.png\ndecision_time: 2026-11-26T10:00:00Z\npixel_spacing_mm: 0.08\nprior_image: { image: ${prior}.png, acquired_on: 2026-05-14, pixel_spacing_mm: 0.08 }\n`);
      return report(caseFile, 'en', ['pdf']);
    };
    const date = '2026-05-14';
    const faintNow = await withPrior('faint-now', 'faint-pink', 'clear-pink');
    expect(faintNow.context.evolution).toMatchObject({ prior_lesion: 'measured', prior_date: date });
    const faintNowText = pdfText(faintNow.pdf);
    for (const key of ['abcde.evolution_no_current_lesion', 'abcde.evolution_prior_was_measured']) expect(faintNowText, key).toContain(squash(formatMessage(messages, key, { date })).trim());
    const clearNow = await withPrior('clear-now', 'clear-pink', 'faint-pink');
    expect(clearNow.context.evolution).toEqual({ prior_lesion: 'colour_only', prior_date: date, prior_diameter_mm: null, prior_not_assessable: [] });
    const clearNowText = pdfText(clearNow.pdf);
    expect(clearNowText).toContain(squash(formatMessage(messages, 'abcde.evolution_prior_colour_only', { date })));
    expect(clearNowText).not.toContain(squash(formatMessage(messages, 'abcde.evolution_prior_none', { date })));
    // Nothing in this image, a colour-only region in the prior one.
    await sharp({ create: { width, height, channels: 3, background: { r: 220, g: 175, b: 145 } } }).png().toFile(path.join(dir, 'plain-skin.png'));
    const plainNow = await withPrior('plain-now', 'plain-skin', 'faint-pink');
    expect(plainNow.context.lesion).toBe('none');
    expect(plainNow.context.evolution).toMatchObject({ prior_lesion: 'colour_only' });
    const plainNowText = pdfText(plainNow.pdf);
    for (const key of ['abcde.evolution_no_current_lesion', 'abcde.evolution_prior_was_colour_only']) expect(plainNowText, key).toContain(squash(formatMessage(messages, key, { date })).trim());
  }, 60_000);

  it('without a pixel spacing the diameter is "not measurable"; a prior image gives the evolution row', async () => {
    const noSpacing = await report(demo('derm-004.yaml'), 'en', ['pdf']);
    expect(noSpacing.context.abcd!.diameter_mm).toBeNull();
    expect(pdfText(noSpacing.pdf)).toContain(squash(formatMessage(loadMessages('dermatology', 'en'), 'abcde.diameter_not_measurable', {})));
    const prior = await report(demo('derm-002.yaml'), 'en', ['pdf']);
    // The demo's prior image is the same picture: the same diameter.
    expect(prior.context.evolution).toEqual({ prior_date: '2026-05-14', prior_lesion: 'measured', prior_diameter_mm: prior.context.abcd!.diameter_mm, prior_not_assessable: [] });
    // A prior image with no lesion in it says so (it said the pixel spacings were missing, though both were given).
    await sharp({ create: { width: 200, height: 150, channels: 3, background: { r: 214, g: 170, b: 140 } } }).png().toFile(path.join(dir, 'blank-prior.png'));
    const caseFile = path.join(dir, 'blank-prior.yaml');
    fs.writeFileSync(caseFile, fs.readFileSync(demo('derm-002.yaml'), 'utf8').replace(/prior_image:.*/, `prior_image: { image: ${JSON.stringify(path.join(dir, 'blank-prior.png'))}, acquired_on: 2026-05-14, pixel_spacing_mm: 0.08 }`).replace(/^image: /m, `image: ${path.dirname(demo('derm-002.yaml'))}/`));
    const noPriorLesion = await report(caseFile, 'en', ['pdf']);
    expect(noPriorLesion.context.evolution).toMatchObject({ prior_lesion: 'none', prior_diameter_mm: null });
    expect(pdfText(noPriorLesion.pdf)).toContain(squash(formatMessage(loadMessages('dermatology', 'en'), 'abcde.evolution_prior_none', { date: '2026-05-14' })));
    // A prior image that cuts the lesion off at its edge gives no diameter to compare, and the row says why.
    await sharp(demo('derm-002.png')).extract({ left: 0, top: 0, width: 64, height: 128 }).png().toFile(path.join(dir, 'cut-prior.png'));
    fs.writeFileSync(caseFile, fs.readFileSync(demo('derm-002.yaml'), 'utf8').replace(/prior_image:.*/, `prior_image: { image: ${JSON.stringify(path.join(dir, 'cut-prior.png'))}, acquired_on: 2026-05-14, pixel_spacing_mm: 0.08 }`).replace(/^image: /m, `image: ${path.dirname(demo('derm-002.yaml'))}/`));
    const cutPrior = await report(caseFile, 'en', ['pdf']);
    expect(cutPrior.context.evolution).toMatchObject({ prior_lesion: 'measured', prior_diameter_mm: null, prior_not_assessable: ['partial_view'] });
    const m = loadMessages('dermatology', 'en');
    expect(pdfText(cutPrior.pdf)).toContain(squash(formatMessage(m, 'abcde.evolution_prior_not_assessable', { date: '2026-05-14' }) + formatMessage(m, 'abcd.because.partial_view', {})));
  }, 60_000);

  it('the same case twice gives the same decision, relevance digest, record digest and byte-identical PDF and HTML', async () => {
    const a = await report(demo('derm-001.yaml'));
    const b = await report(demo('derm-001.yaml'));
    expect(b.record.output).toEqual(a.record.output);
    expect(b.record.explanation.relevance_sha256).toBe(a.record.explanation.relevance_sha256);
    expect(recordDigest(b.record)).toBe(recordDigest(a.record));
    expect(Buffer.compare(fs.readFileSync(a.pdf), fs.readFileSync(b.pdf))).toBe(0);
    expect(fs.readFileSync(a.html, 'utf8')).toBe(fs.readFileSync(b.html, 'utf8'));
  }, 60_000);
});
