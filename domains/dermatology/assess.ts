/**
 * One dermatology case, end to end up to the report context: decode the image, run the model and its LRP
 * explanation, measure the lesion (segmentation, ABCD, quality), locate the relevance, and assemble a plain-JSON
 * context (everything the report prints, computed here) plus the report's figures.
 */
import path from 'node:path';
import { percentDigits } from '../../src/report/percent.js';
import { fail } from '../../src/errors.js';
import type { DecodedImage } from '../../src/imaging/image-input.js';
import { channelSum } from '../../src/imaging/colormap.js';
import { decodeImageBytes, imageToTensor, jpegBlockiness, storedLosslessly } from '../../src/imaging/image-input.js';
import { contourPixels, encodePng, legendPixels, overlayPixels, resampleBilinear, resampleMask, resampleRelevance, resizeLongSide, robustScale } from '../../src/imaging/overlay.js';
import { readFileOrFail } from '../../src/io/read.js';
import type { DecisionFacts } from '../../src/audit/build.js';
import { float32Sha256, sha256Hex } from '../../src/audit/hash.js';
import type { Explainer, Explanation } from '../../src/lrp/explainer.js';
import { openExplainer } from '../../src/lrp/open.js';
import type { ImagePreprocessing, LoadedCard } from '../../src/models/card.js';
import { cardTexts, loadModelCard } from '../../src/models/card.js';
import { availableLocales } from '../../src/report/locales.js';
import type { DermatologyCase } from './case.js';
import type { DermatologyConfig } from './config.js';
import { loadAbcdConfig, loadDermatologyConfig } from './config.js';
import { measureAbcd, type AbcdMeasurement } from './features/abcd.js';
import { assessQuality, type AbcdCriterion, type QualityFlag } from './features/quality.js';
import { relevanceAsymmetry, relevanceRegion, relevanceShares, shortcutSuspected } from './features/relevance.js';
import { segmentLesion, type Segmentation } from './features/segmentation.js';

export interface LesionAssessment {
  /** Everything the report prints (plain JSON; `--json` prints it too). */
  readonly context: DermatologyContext;
  /** PNG figures the template names: original, overlay, contour, legend. */
  readonly assets: Record<string, Uint8Array>;
  /** What the audit record states about this decision. */
  readonly audit: DecisionFacts;
}

export type DermatologyContext = ReturnType<typeof buildContext>;

/** The card's model, compiled into an explainer with the domain's composite: reusable across cases. */
export interface LesionModel {
  readonly loaded: LoadedCard;
  readonly preprocessing: ImagePreprocessing;
  readonly explainer: Explainer;
  readonly params: Record<string, number | number[]>;
  /** The skin tones (ITA°, itaDegrees) of the model's training images, low to high (training_data.skin_ita_deg). */
  readonly skinItaDeg: readonly [number, number];
}

export async function openLesionModel(cardFile: string): Promise<LesionModel> {
  const loaded = loadModelCard(cardFile);
  const pre = loaded.card.preprocessing;
  if (pre.kind !== 'image') fail(`${cardFile}: the dermatology report needs an image model (preprocessing.kind: image), this card is ${pre.kind}`);
  // Relevance is mapped back to the image by stretching, which is only right for the "fill" resize.
  if ((pre.resize ?? 'fill') !== 'fill') fail(`${cardFile}: preprocessing.resize "${pre.resize}" is not supported by the dermatology report (only "fill")`);
  const skinItaDeg = trainingSkinTones(loaded);
  const { explanation } = loadDermatologyConfig();
  const params = compositeParams(explanation.params, pre);
  const explainer = await openExplainer(loaded.modelPath, { composite: explanation.composite, params, seed: explanation.seed });
  return { loaded, preprocessing: pre, explainer, params, skinItaDeg };
}

/**
 * The skin tones the model was trained on, which every dermatology card must state: a model is not validated on
 * skin outside them, and the report must say so (the flag `skin_tone`) rather than stay silent.
 */
function trainingSkinTones({ card, file }: LoadedCard): readonly [number, number] {
  const range = card.training_data.skin_ita_deg;
  const valid = Array.isArray(range) && range.length === 2 && range.every((v) => typeof v === 'number' && v >= -90 && v <= 90) && range[0] < range[1];
  if (!valid) fail(`${file}: training_data.skin_ita_deg: the dermatology report needs the skin tones of the training images as [lowest, highest] ITA° (between -90 and 90, lowest first)${range === undefined ? '; the card has none' : ''}`);
  return range as [number, number];
}

/** `pixel_min` / `pixel_max` in the config stand for the normalized values of pixel 0 and 255, per channel. */
function compositeParams(params: Readonly<Record<string, number | string>>, pre: ImagePreprocessing): Record<string, number | number[]> {
  const normalized = (pixel: number) => pre.mean.map((m, c) => (pixel * pre.scale - m) / pre.std[c]);
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === 'pixel_min' ? normalized(0) : v === 'pixel_max' ? normalized(255) : (v as number)]));
}

export async function assessLesion(c: DermatologyCase, model: LesionModel): Promise<LesionAssessment> {
  const config = loadDermatologyConfig();
  // Read once: the same bytes are decoded and hashed for the audit record.
  const imageBytes = readFileOrFail(c.image, 'image:');
  const image = await decodeImageBytes(imageBytes, c.image, 'image');
  const imageSha256 = sha256Hex(imageBytes);
  const { tensor, dims } = await imageToTensor(image, model.preprocessing);
  const positive = positiveClassIndex(model.loaded);
  const explanation = await model.explainer.explain({ data: tensor, dims }, positive);
  const probability = positiveProbability(explanation, model.loaded, positive);

  const { analysis, seg, quality } = await analyseImage(imageBytes, image, config, model.skinItaDeg);
  const spacing = c.pixelSpacingMm === null ? null : (c.pixelSpacingMm * image.width) / analysis.width;
  const abcd = seg.empty ? null : measureAbcd(analysis.rgb, seg.extent, seg.skin, loadAbcdConfig(), spacing);

  const [, channels, mh, mw] = dims;
  const modelMap = channelSum(explanation.relevance, channels, mh, mw);
  const map = resampleRelevance(modelMap, mw, mh, analysis.width, analysis.height);
  const region = relevanceRegion(seg.extent, config.relevance.margin_px);
  const shares = seg.empty ? null : relevanceShares(map, region, config.relevance.band_px);
  const asymmetry = seg.empty ? null : relevanceAsymmetry(map, seg.extent);
  const prior = c.prior ? await measurePrior(c.prior.image, c.prior.pixelSpacingMm, config) : null;

  const display = await resizeLongSide(image, config.analysis.display_long_side_px);
  const displayMap = resampleBilinear(modelMap, mw, mh, display.width, display.height);
  const assets = {
    original: await encodePng(display.rgb, display.width, display.height),
    overlay: await encodePng(overlayPixels(display, displayMap, robustScale(displayMap, config.report.overlay_scale_percentile)), display.width, display.height),
    contour: await encodePng(contourPixels(display, resampleMask(seg.extent, display.width, display.height), config.report.contour_rgb, 2), display.width, display.height),
    legend: await encodePng(legendPixels(256, 14), 256, 14),
  };
  const relevanceSha256 = float32Sha256(explanation.relevance);
  const context = buildContext({ c, config, model, image, imageSha256, explanation, probability, seg, quality: quality.flags, skinIta: quality.measurements.skinIta, abcd, shares, asymmetry, prior, relevanceSha256 });
  return { context, assets, audit: auditFacts(context, model, explanation, positive) };
}

/** The audit record's view of the decision: digests and scores, no pixels and no identifiers beyond the ids. */
function auditFacts(context: DermatologyContext, model: LesionModel, explanation: Explanation, target: number): DecisionFacts {
  const { abcd, relevance, output } = context;
  const measured = (score: number | undefined) => ({ score: score ?? null, provenance: score === undefined ? ('not-assessed' as const) : ('measured' as const) });
  return {
    domain: 'dermatology',
    profile: null,
    case_id: context.case.case_id,
    decision_time: context.case.decision_time,
    status: 'reported',
    model: { name: context.model.name, version: context.model.version, sha256: context.model.sha256, threshold: output.threshold },
    input_sha256: context.case.image_sha256,
    // Under a critical quality flag the report does not compare the score with the threshold, and neither does the
    // record (nor the batch summary, which shows this): the score is kept, the comparison is not a finding.
    output: { decision: context.caution.shown ? 'not_compared' : output.at_or_above_threshold ? 'at_or_above_threshold' : 'below_threshold', class: output.positive_class, probability: output.probability, logit: round(explanation.logits[target], 6) },
    explanation: {
      method: 'lrp',
      composite: model.explainer.info.composite.name,
      parameters: model.params,
      seed: model.explainer.info.seed,
      target,
      conservation_residual: context.explanation.conservation.residual,
      relevance_sha256: context.explanation.relevance_sha256,
      top: relevance ? [{ name: 'lesion (share of |relevance|)', relevance: relevance.inside_share }, { name: 'lesion border band (share of positive relevance)', relevance: relevance.border_share }] : [],
    },
    domain_result: {
      abcd: {
        asymmetry: measured(abcd?.asymmetry?.axes),
        border: measured(abcd?.border?.abrupt_sectors),
        colour: measured(abcd?.colours?.count),
        structures: abcd?.structures ? { score: abcd.structures.value, provenance: 'clinician' } : { score: null, provenance: 'not-assessed' },
      },
      tds: abcd?.tds?.value ?? null,
      flags: context.quality.flags,
      lesion_share: relevance ? relevance.inside_share : null,
    },
    escalations: [],
  };
}

function positiveClassIndex({ card, file }: LoadedCard): number {
  const classes = card.output.classes;
  const positive = card.output.positive_class ?? classes[classes.length - 1];
  const index = classes.indexOf(positive);
  if (index < 0) fail(`${file}: output.positive_class "${positive}" is not one of output.classes`);
  // A single-logit sigmoid model has one output: the logit of the positive class.
  return card.output.head === 'sigmoid' ? 0 : index;
}

function positiveProbability(e: Explanation, { card, file }: LoadedCard, index: number): number {
  if (e.probabilities) return e.probabilities[index];
  if (card.output.head === 'sigmoid') return 1 / (1 + Math.exp(-e.logits[index]));
  fail(`${file}: output.head must be sigmoid or softmax for a probability`);
}

/**
 * What the prior image held (as lesionFound for the current one) and, for a lesion, its diameter, unless a quality
 * flag of the prior image leaves it unassessable (as it would the current image's: a lesion cut off at the edge).
 */
interface PriorMeasurement {
  readonly lesion: LesionFound;
  readonly diameterMm: number | null;
  /** The prior image's quality flags that leave its diameter unassessable. */
  readonly diameterNotAssessable: readonly QualityFlag[];
}

type LesionFound = 'measured' | 'colour_only' | 'none';

/** A lesion measured, a region of another colour only outlined (not measured), or nothing standing out. */
const lesionFound = (seg: Segmentation): LesionFound => (seg.foundBy === 'chroma' ? 'colour_only' : seg.empty ? 'none' : 'measured');

/**
 * An image at the analysis size, segmented and checked for quality: what the current and the prior image both go
 * through. `bytes` are the file's (is it stored losslessly?), `image` their decoded pixels.
 */
async function analyseImage(bytes: Uint8Array, image: DecodedImage, config: DermatologyConfig, trainedSkinIta: readonly [number, number] | null) {
  const analysis = await resizeLongSide(image, config.analysis.long_side_px);
  const seg = segmentLesion(analysis.rgb, analysis.width, analysis.height, config.segmentation);
  const quality = assessQuality(analysis.rgb, analysis.width, analysis.height, seg, config.quality, { lossy: !storedLosslessly(bytes), blockiness: jpegBlockiness(image) }, trainedSkinIta);
  return { analysis, seg, quality };
}

async function measurePrior(file: string, spacingMm: number | null, config: DermatologyConfig): Promise<PriorMeasurement> {
  const bytes = readFileOrFail(file, 'prior_image.image:');
  const original = await decodeImageBytes(bytes, file, 'prior_image.image');
  const { analysis: image, seg, quality } = await analyseImage(bytes, original, config, null);
  if (seg.empty) return { lesion: lesionFound(seg), diameterMm: null, diameterNotAssessable: [] };
  const diameterNotAssessable = quality.flags.filter((f) => config.quality.invalidates[f]?.includes('diameter'));
  if (diameterNotAssessable.length > 0) return { lesion: 'measured', diameterMm: null, diameterNotAssessable };
  const spacing = spacingMm === null ? null : (spacingMm * original.width) / image.width;
  return { lesion: 'measured', diameterMm: measureAbcd(image.rgb, seg.extent, seg.skin, loadAbcdConfig(), spacing).diameter.mm, diameterNotAssessable };
}

const round = (v: number, digits = 4) => Number(v.toFixed(digits));

interface ContextInputs {
  c: DermatologyCase;
  config: DermatologyConfig;
  model: LesionModel;
  image: DecodedImage;
  imageSha256: string;
  explanation: Explanation;
  probability: number;
  seg: Segmentation;
  quality: readonly string[];
  /** The skin's ITA° (itaDegrees). */
  skinIta: number;
  abcd: AbcdMeasurement | null;
  shares: ReturnType<typeof relevanceShares> | null;
  asymmetry: number | null;
  prior: PriorMeasurement | null;
  relevanceSha256: string;
}

function buildContext(x: ContextInputs) {
  const { c, config, model, abcd, shares } = x;
  const { card } = model.loaded;
  const threshold = card.output.threshold ?? 0.5;
  const flags = [...(x.seg.empty && x.seg.foundBy === null ? ['no_lesion'] : []), ...x.quality];
  const critical = flags.filter((f) => f === 'no_lesion' || (config.quality.critical as readonly string[]).includes(f));
  const shortcut = shares === null ? null : shortcutSuspected(shares, config.relevance, x.probability >= threshold);
  const test = (card.evaluation.test ?? {}) as Record<string, unknown>;
  const metric = (name: string) => (typeof test[name] === 'number' ? (test[name] as number) : null);
  const structures = x.c.clinicianStructures;
  // Why each automated criterion cannot be assessed, if it cannot: the quality flags that invalidate it (a
  // greyscale image has no colours, a blurred edge is not abrupt, …), or an outline that could not be traced.
  const invalidatedBy = (criterion: AbcdCriterion): string[] => [
    ...x.quality.filter((f) => config.quality.invalidates[f as QualityFlag]?.includes(criterion)),
    ...(criterion === 'border' && abcd && !Number.isFinite(abcd.border.compactness) ? ['no_outline'] : []),
  ];
  const notAssessable = { asymmetry: invalidatedBy('asymmetry'), border: invalidatedBy('border'), colour: invalidatedBy('colour'), diameter: invalidatedBy('diameter') };
  const asymmetry = abcd && notAssessable.asymmetry.length === 0 ? abcd.asymmetry : null;
  const border = abcd && notAssessable.border.length === 0 ? abcd.border : null;
  const colours = abcd && notAssessable.colour.length === 0 ? abcd.colours.present : null;
  // The TDS only from every criterion: a sum with one left out, or guessed, would read as a finding.
  const tds = asymmetry && border && colours !== null && structures !== null ? 1.3 * asymmetry.axes + 0.1 * border.abrupt_count + 0.5 * colours.length + 0.5 * structures : null;
  const bands = config.abcd.tds_bands;
  const conservation = x.explanation.conservation[0];
  // A critical flag means the reading may not be about this lesion, and a suspected shortcut that it may be driven by
  // something else: no risk band then (a bold band beside either would read as a finding).
  const bandSuppressedBy = critical.length > 0 ? 'quality' : shortcut ? 'shortcut' : null;
  // The share the shortcut warning is about, and its minimum.
  const judged = shortcut && shares && { magnitude: [shares.insideMagnitude, config.relevance.min_inside_share], positive: [shares.inside, config.relevance.min_positive_inside_share] }[shortcut];
  const warnings = [
    ...(shortcut ? ['shortcut'] : []),
    ...(bandSuppressedBy ? ['risk_band_suppressed'] : []),
    ...(c.pixelSpacingMm === null ? ['no_spacing'] : []),
  ];
  return {
    case: {
      case_id: c.caseId,
      lesion_id: c.lesionId,
      body_site: c.bodySite,
      acquired_on: c.acquiredOn,
      image_file: path.basename(c.image),
      image_sha256: x.imageSha256,
      image_size: `${x.image.width} × ${x.image.height}`,
      pixel_spacing_mm: c.pixelSpacingMm,
      decision_time: c.decisionTime.toISOString(),
    },
    caution: { shown: critical.length > 0, flags: critical },
    // What the image held: a lesion measured, a region of another colour only outlined, or nothing standing out.
    lesion: lesionFound(x.seg),
    // The prior image, whatever this one held: a clinician who supplied one is told what became of it.
    evolution: c.prior && x.prior ? { prior_date: c.prior.acquiredOn, prior_lesion: x.prior.lesion, prior_diameter_mm: x.prior.diameterMm === null ? null : round(x.prior.diameterMm, 1), prior_not_assessable: x.prior.diameterNotAssessable } : null,
    output: {
      positive_class: card.output.positive_class ?? card.output.classes[card.output.classes.length - 1],
      probability: round(x.probability, 4),
      threshold: round(threshold, 4),
      at_or_above_threshold: x.probability >= threshold,
      sensitivity: metric('sensitivity'),
      specificity: metric('specificity'),
      validated_on: typeof test.n === 'number' ? test.n : null,
      risk_band: bandSuppressedBy ? null : x.probability >= threshold ? 'above_threshold' : 'below_threshold',
      band_suppressed_by: bandSuppressedBy,
    },
    abcd: abcd && {
      asymmetry: asymmetry && { axes: asymmetry.axes, indices: asymmetry.indices.map((v) => round(v, 3)), threshold: config.abcd.asymmetry_axis_threshold },
      border: border && { abrupt_sectors: border.abrupt_count, compactness: round(border.compactness, 3) },
      colours: colours && { count: colours.length, present: colours },
      structures: structures === null ? null : { value: structures },
      not_assessable: notAssessable,
      tds: tds === null ? null : { value: round(tds, 2), band: tds < bands.benign_below ? 'benign' : tds <= bands.suspicious_up_to ? 'suspicious' : 'highly_suggestive' },
      diameter_mm: abcd.diameter.mm === null || notAssessable.diameter.length > 0 ? null : round(abcd.diameter.mm, 1),
    },
    relevance: shares && {
      inside_share: round(shares.insideMagnitude, 3),
      inside_positive_share: round(shares.inside, 3),
      border_share: round(shares.borderBand, 3),
      asymmetry: x.asymmetry === null ? null : round(x.asymmetry, 3),
      min_inside_share: config.relevance.min_inside_share,
      margin_px: config.relevance.margin_px,
      shortcut_suspected: shortcut !== null,
      // Which share the warning is about, and as many decimals as it takes to print it under its minimum.
      shortcut_share: shortcut,
      min_positive_inside_share: config.relevance.min_positive_inside_share,
      shortcut_digits: judged ? percentDigits([judged[0]], judged[1], 0) : 0,
    },
    figures: { saturated_share: round(1 - config.report.overlay_scale_percentile, 4) },
    quality: {
      flags: flags.map((id) => ({ id, critical: critical.includes(id) })),
      // The skin's tone against the model's training images' (the skin_tone flag's text states both).
      skin_ita: { measured: Math.round(x.skinIta), trained: model.skinItaDeg },
    },
    warnings,
    explanation: {
      method: 'LRP',
      composite: model.explainer.info.composite.name,
      params: formatParams(model.explainer.info.composite.params),
      seed: model.explainer.info.seed,
      target: card.output.positive_class ?? card.output.classes[card.output.classes.length - 1],
      conservation: { seed: round(conservation.seed, 5), sum: round(conservation.sum, 5), residual: round(conservation.residual, 5) },
      relevance_sha256: x.relevanceSha256,
      evaluation: explanationEvaluation(card.evaluation),
    },
    model: {
      name: card.name,
      version: card.version,
      sha256: card.sha256,
      card_file: path.basename(model.loaded.file),
      // The card's words in each locale the report may be rendered in (English where the card has no translation,
      // which the report then says): a warning the reader cannot read warns no one.
      texts: Object.fromEntries(availableLocales('dermatology').map((locale) => [locale, cardTexts(card, locale)])),
    },
  };
}

/** What the card says about how its explanation was checked (EVALUATION.md), or null when it was not. */
function explanationEvaluation(evaluation: Readonly<Record<string, unknown>>): { n: number; lrp_beats_random: number; aopc_lrp: number; aopc_random: number; report: string } | null {
  const q = evaluation.explanation_quality as { n?: unknown; lrp_beats_random?: unknown; aopc?: Record<string, unknown>; report?: unknown } | undefined;
  if (!q || typeof q.n !== 'number' || typeof q.lrp_beats_random !== 'number' || typeof q.aopc?.lrp !== 'number' || typeof q.aopc?.random_order !== 'number' || typeof q.report !== 'string') return null;
  return { n: q.n, lrp_beats_random: q.lrp_beats_random, aopc_lrp: q.aopc.lrp, aopc_random: q.aopc.random_order, report: q.report };
}

function formatParams(params: Readonly<Record<string, unknown>>): string {
  const show = (v: unknown): string => (Array.isArray(v) ? `[${v.map(show).join(', ')}]` : typeof v === 'number' ? String(Number(v.toPrecision(4))) : String(v));
  return Object.entries(params).map(([k, v]) => `${k} = ${show(v)}`).join('; ');
}
