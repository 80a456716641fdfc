/**
 * `lrp-report evaluate`: how good are the explanations of a model? On a set of cases, for each method:
 * region perturbation / attribute removal with AOPC against random orders, the cascading randomisation check
 * and stability under small noise. Writes results.csv, results.md, randomisation.csv, results.json and two
 * SVG plots to --out (or prints the Markdown table).
 */
import path from 'node:path';
import type { Attributor } from '../attribution/attributor.js';
import { gradient, gradientTimesInput, lrp } from '../attribution/attributor.js';
import { openAttributionModel } from '../attribution/engine.js';
import { integratedGradients } from '../attribution/integrated-gradients.js';
import { occlusion } from '../attribution/occlusion.js';
import { smoothGrad } from '../attribution/smoothgrad.js';
import { fail } from '../errors.js';
import { loadCases, parseCasesSpec } from '../evaluate/cases.js';
import type { EvaluationResult, Estimate } from '../evaluate/evaluate.js';
import { estimate, evaluate } from '../evaluate/evaluate.js';
import { lineChartSvg } from '../evaluate/svg.js';
import type { Table } from '../evaluate/table.js';
import { tableCsv, tableMarkdown } from '../evaluate/table.js';
import type { Units } from '../evaluate/units.js';
import { attributeUnits, imageRegions } from '../evaluate/units.js';
import { writeFileAtomic } from '../io/atomic.js';
import { resolveComposite } from '../lrp/composites/index.js';
import type { ModelCard } from '../models/card.js';
import { loadModelCard } from '../models/card.js';
import type { Model } from '../onnx/ir.js';
import { loadModelFile } from '../onnx/load.js';
import { parse, positiveInt, required } from './args.js';

export const usage =
  'lrp-report evaluate --model CARD.yaml --cases synthetic:SEED:N|csv:FILE[:N] [--methods lrp,gradient-x-input,smoothgrad,ig,occlusion] [--out DIR] ' +
  '[--region PX] [--per-step N] [--steps N] [--random-orders N] [--fill V] [--sg-samples N] [--sg-noise S] [--ig-steps N] [--ig-rule midpoint|trapezoid] ' +
  '[--occlusion-window N] [--occlusion-stride N] [--subset N] [--noise S] [--draws N] [--seed N] [--threads N]';

const METHODS = ['lrp', 'gradient', 'gradient-x-input', 'smoothgrad', 'smoothgrad-x-input', 'ig', 'occlusion'] as const;
type MethodName = (typeof METHODS)[number];
const DEFAULT_METHODS: readonly MethodName[] = ['lrp', 'gradient-x-input', 'smoothgrad', 'ig', 'occlusion'];

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    model: { type: 'string' }, cases: { type: 'string' }, methods: { type: 'string' }, out: { type: 'string' },
    region: { type: 'string' }, 'per-step': { type: 'string' }, steps: { type: 'string' }, 'random-orders': { type: 'string' }, fill: { type: 'string' },
    'sg-samples': { type: 'string' }, 'sg-noise': { type: 'string' }, 'ig-steps': { type: 'string' }, 'ig-rule': { type: 'string' },
    'occlusion-window': { type: 'string' }, 'occlusion-stride': { type: 'string' },
    subset: { type: 'string' }, noise: { type: 'string' }, draws: { type: 'string' }, seed: { type: 'string' }, threads: { type: 'string' },
  }, 'evaluate');
  const { card, modelPath } = loadModelCard(required(values.model, 'model', 'evaluate'));
  const spec = parseCasesSpec(required(values.cases, 'cases', 'evaluate'));
  const methods = parseMethods(values.methods);
  const image = card.preprocessing.kind === 'image';
  const seed = nonNegativeInt(values.seed, 'seed', 7);
  const igRule = values['ig-rule'] ?? 'midpoint';
  if (igRule !== 'midpoint' && igRule !== 'trapezoid') fail(`--ig-rule ${igRule}: expected midpoint or trapezoid`);
  if (!image && values.fill !== undefined) fail('--fill applies to image models; tabular models use the population mean');
  const threads = values.threads === undefined ? undefined : positiveInt(values.threads, 'threads', 1);

  const cases = await loadCases(card, spec);
  // "Removed" means the same everywhere: the IG baseline, the occlusion fill and the perturbation fill.
  const reference: number | Float32Array = cases.populationMean ?? number(values.fill, 'fill', 0);
  const sampleDims = cases.input.dims.slice(1);
  const units: Units = image ? imageRegions(sampleDims, positiveInt(values.region, 'region', 8)) : attributeUnits(card.preprocessing as Extract<ModelCard['preprocessing'], { kind: 'tabular' }>);
  const unitsPerStep = positiveInt(values['per-step'], 'per-step', image ? 8 : 1);
  const steps = positiveInt(values.steps, 'steps', image ? 16 : units.length);
  const window = positiveInt(values['occlusion-window'], 'occlusion-window', image ? 16 : 1);
  const stride = positiveInt(values['occlusion-stride'], 'occlusion-stride', image ? 8 : 1);
  const attributors: Record<MethodName, () => Attributor> = {
    lrp: () => lrp,
    gradient: () => gradient,
    'gradient-x-input': () => gradientTimesInput,
    smoothgrad: () => smoothGrad({ samples: positiveInt(values['sg-samples'], 'sg-samples', 16), noise: number(values['sg-noise'], 'sg-noise', 0.1), seed }),
    'smoothgrad-x-input': () => smoothGrad({ samples: positiveInt(values['sg-samples'], 'sg-samples', 16), noise: number(values['sg-noise'], 'sg-noise', 0.1), seed, timesInput: true }),
    ig: () => integratedGradients({ steps: positiveInt(values['ig-steps'], 'ig-steps', 32), baseline: reference, rule: igRule }),
    occlusion: () => occlusion({ window, stride, fill: reference }),
  };
  const composite = resolveComposite(card.explanation.composite, (card.explanation.params ?? {}) as Record<string, number | number[]>);
  const open = (model: Model) => openAttributionModel(model, { composite, lrpSeed: card.explanation.seed ?? 'logit', threads });
  const log = (line: string) => process.stderr.write(`evaluate: ${line}\n`);
  const targets = new Array<number>(cases.ids.length).fill(positiveClass(card));
  const result = await evaluate({
    model: loadModelFile(modelPath),
    open,
    methods: new Map(methods.map((m) => [m, attributors[m]()])),
    input: cases.input,
    targets,
    perturbation: { units, unitsPerStep, steps, fill: reference, randomOrders: positiveInt(values['random-orders'], 'random-orders', 5) },
    correlationUnits: image ? imageRegions(sampleDims, 1) : units,
    subset: positiveInt(values.subset, 'subset', 10),
    stability: {
      noise: number(values.noise, 'noise', 0.02),
      draws: positiveInt(values.draws, 'draws', 2),
      seed: seed + 1,
      ...(image ? {} : { perturbable: numericColumns(card) }),
    },
    seed,
    log,
  });

  const table = resultTable(result);
  const markdown = `${card.name} · ${result.cases} cases (${spec.kind === 'synthetic' ? `synthetic lesions, seed ${spec.seed}` : spec.file}) · ` +
    `target: ${targetName(card)} logit (mean ${pm(result.logit, 2)}) · ${image ? `regions ${Math.sqrt(units[0].length / sampleDims[0])} px, ${unitsPerStep} per step, ${steps} steps, fill ${reference}` : `attributes removed one per step, fill = population mean`}\n\n${tableMarkdown(table)}`;
  if (!values.out) {
    process.stdout.write(markdown);
    return 0;
  }
  const out = values.out;
  const removed = result.random.curveLogit.map((_, k) => (100 * Math.min(units.length, k * unitsPerStep)) / units.length);
  writeFileAtomic(path.join(out, 'results.csv'), tableCsv(table));
  writeFileAtomic(path.join(out, 'results.md'), markdown);
  writeFileAtomic(path.join(out, 'randomisation.csv'), tableCsv(randomisationTable(result)));
  writeFileAtomic(path.join(out, 'results.json'), `${JSON.stringify({ command: ['lrp-report', 'evaluate', ...argv].join(' '), model: card.name, caseIds: cases.ids, ...result, randomisation: Object.fromEntries(result.randomisation) }, null, 1)}\n`);
  writeFileAtomic(path.join(out, 'aopc.svg'), lineChartSvg({
    title: `${card.name}: target logit as ${image ? 'regions' : 'attributes'} are removed`,
    xLabel: `% of ${image ? 'regions' : 'attributes'} removed (most relevant first)`,
    yLabel: 'mean f(x_k) − f(x), logit',
    x: removed,
    series: [...result.methods.map((m) => ({ name: m.method, values: m.curveLogit })), { name: 'random order', values: result.random.curveLogit, dashed: true }],
  }));
  const layers = [...result.randomisation.values()][0] ?? [];
  writeFileAtomic(path.join(out, 'randomisation.svg'), lineChartSvg({
    title: `${card.name}: cascading randomisation (${result.subset} cases)`,
    xLabel: 'layers randomised, from the output down',
    yLabel: 'Spearman(|R| trained, |R| randomised)',
    x: layers.map((s) => s.randomised),
    xTickLabels: layers.map((s) => s.layer),
    series: [...result.randomisation].map(([name, curve]) => ({ name, values: curve.map((s) => s.absolute) })),
  }));
  process.stdout.write(markdown);
  return 0;
}

function parseMethods(text: string | undefined): MethodName[] {
  if (text === undefined) return [...DEFAULT_METHODS];
  const list = text.split(',').map((m) => m.trim());
  for (const m of list) if (!(METHODS as readonly string[]).includes(m)) fail(`--methods ${m}: expected some of ${METHODS.join(', ')}`);
  if (new Set(list).size !== list.length) fail(`--methods ${text}: a method is named twice`);
  return list as MethodName[];
}

function number(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) fail(`--${flag} ${value}: expected a number`);
  return n;
}

function nonNegativeInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) fail(`--${flag} ${value}: expected a non-negative integer`);
  return Number(value);
}

/** The explained output: the positive class (a sigmoid model's single logit). */
function positiveClass(card: ModelCard): number {
  if (card.output.head === 'sigmoid') return 0;
  const index = card.output.classes.indexOf(card.output.positive_class ?? card.output.classes[card.output.classes.length - 1]);
  if (index < 0) fail(`${card.name}: output.positive_class is not one of output.classes`);
  return index;
}

const targetName = (card: ModelCard) => card.output.positive_class ?? card.output.classes[positiveClass(card)];

/** 1 for numeric columns: noise on a one-hot column would make an input no applicant can have. */
function numericColumns(card: ModelCard): Uint8Array {
  const pre = card.preprocessing;
  if (pre.kind !== 'tabular') fail('internal: numeric columns of an image model');
  return Uint8Array.from(pre.features.flatMap((f) => (f.type === 'categorical' ? new Array<number>(f.levels.length).fill(0) : [1])));
}

const pm = (e: Estimate | undefined, digits = 3) => (e ? `${e.mean.toFixed(digits)} ± ${e.sem.toFixed(digits)}` : '–');

function resultTable(result: EvaluationResult): Table {
  // Paired against LRP (same cases): the honest way to say whether a method's AOPC is higher or lower.
  const lrpCases = result.methods.find((m) => m.method === 'lrp')?.aopcPerCase;
  const rows = result.methods.map((m) => {
    const curve = result.randomisation.get(m.method) ?? [];
    const versusLrp = lrpCases && m.method !== 'lrp' ? pm(estimate(m.aopcPerCase.map((a, s) => a - lrpCases[s]))) : '–';
    return [
      m.method, pm(m.aopcLogit), pm(m.aopcProbability), pm(m.gainOverRandom), m.winRate.toFixed(2), versusLrp, pm(m.stability, 2),
      curve[1]?.absolute.toFixed(2) ?? '–', curve[curve.length - 1]?.absolute.toFixed(2) ?? '–', m.seconds.toFixed(1),
    ];
  });
  rows.push(['random order', pm(result.random.aopcLogit), pm(result.random.aopcProbability), '0', '–', '–', '–', '–', '–', '–']);
  return {
    header: ['method', 'AOPC logit', 'AOPC probability', 'AOPC gain over random (logit)', 'share of cases beating random', 'AOPC − LRP AOPC (paired, logit)', `stability (Spearman, ${result.subset} cases)`, 'randomisation: Spearman |R|, top layer', 'randomisation: all layers', 'explain seconds'],
    rows,
  };
}

function randomisationTable(result: EvaluationResult): Table {
  return {
    header: ['method', 'layers randomised', 'deepest layer randomised', 'Spearman |R|', 'Spearman R (signed)'],
    rows: [...result.randomisation].flatMap(([method, curve]) => curve.map((s) => [method, String(s.randomised), s.layer, s.absolute.toFixed(4), s.signed.toFixed(4)])),
  };
}
