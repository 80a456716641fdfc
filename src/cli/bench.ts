/**
 * `lrp-report bench`: median ms of plain onnxruntime inference and of explain on the same model, batch and
 * threads, timed in one process with the runs interleaved (so machine noise hits both alike), and the peak
 * RSS of each measured in its own child process (a process's peak cannot be split between two sessions).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { fail } from '../errors.js';
import { compileModelFile } from '../lrp/api.js';
import type { CompiledExplainer } from '../lrp/compile/compile.js';
import { createExplainer, sessionOptions } from '../lrp/explainer.js';
import { parse, parseParams, positiveInt, required } from './args.js';

export const benchUsage = `lrp-report bench --model M.onnx --composite NAME|FILE.yaml [--param k=v …] [--batch N] [--runs N] [--threads N] [--json]`;

export interface BenchResult {
  readonly model: string;
  readonly composite: string;
  readonly batch: number;
  readonly runs: number;
  readonly threads: number | 'default';
  readonly inferenceMs: number;
  readonly explainMs: number;
  readonly ratio: number;
  readonly inferencePeakRssMb: number;
  readonly explainPeakRssMb: number;
  readonly rssRatio: number;
}

export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    model: { type: 'string' },
    composite: { type: 'string' },
    param: { type: 'string', multiple: true },
    batch: { type: 'string' },
    runs: { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
    'rss-probe': { type: 'string' },
  }, 'bench');
  const model = required(values.model, 'model', 'bench');
  const composite = required(values.composite, 'composite', 'bench');
  const params = parseParams(values.param);
  const batch = positiveInt(values.batch, 'batch', 1);
  const runs = positiveInt(values.runs, 'runs', 10);
  const threads = values.threads === undefined ? undefined : positiveInt(values.threads, 'threads', 1);
  const compiled = compileModelFile(model, { composite, params });
  const input = randomInput(compiled, batch);

  const probe = values['rss-probe'];
  if (probe !== undefined) {
    if (probe !== 'inference' && probe !== 'explain') fail(`--rss-probe ${probe}: expected inference or explain`);
    const run = probe === 'inference' ? await inferenceRunner(model, compiled, input, threads) : await explainRunner(compiled, input, threads);
    for (let i = 0; i < runs + 2; i++) await run.once();
    process.stdout.write(`${JSON.stringify({ peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
    return 0;
  }

  const inference = await inferenceRunner(model, compiled, input, threads);
  const explain = await explainRunner(compiled, input, threads);
  for (let i = 0; i < 2; i++) {
    await inference.once();
    await explain.once();
  }
  const inferenceTimes: number[] = [];
  const explainTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    inferenceTimes.push(await timed(inference.once));
    explainTimes.push(await timed(explain.once));
  }
  await inference.close();
  await explain.close();
  const rss = (kind: string) => peakRss(argv, kind);
  const inferenceRss = rss('inference');
  const explainRss = rss('explain');
  const result: BenchResult = {
    model,
    composite: compiled.composite.name,
    batch,
    runs,
    threads: threads ?? 'default',
    inferenceMs: median(inferenceTimes),
    explainMs: median(explainTimes),
    ratio: median(explainTimes) / median(inferenceTimes),
    inferencePeakRssMb: inferenceRss,
    explainPeakRssMb: explainRss,
    rssRatio: explainRss / inferenceRss,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    process.stdout.write(
      `${model} · ${result.composite} · batch ${batch} · ${runs} runs · threads ${result.threads}\n` +
        `  inference  ${result.inferenceMs.toFixed(2)} ms (median)   peak RSS ${inferenceRss.toFixed(0)} MB\n` +
        `  explain    ${result.explainMs.toFixed(2)} ms (median)   peak RSS ${explainRss.toFixed(0)} MB\n` +
        `  ratio      ${result.ratio.toFixed(2)}× time, ${result.rssRatio.toFixed(2)}× peak RSS\n`,
    );
  }
  return 0;
}

interface Runner {
  once(): Promise<void>;
  close(): Promise<void>;
}

async function inferenceRunner(modelFile: string, compiled: CompiledExplainer, input: ort.Tensor, threads: number | undefined): Promise<Runner> {
  const session = await ort.InferenceSession.create(fs.readFileSync(modelFile), sessionOptions({ threads }));
  const feeds = { [session.inputNames[0]]: input };
  return { once: async () => void (await session.run(feeds)), close: () => session.release() };
}

async function explainRunner(compiled: CompiledExplainer, input: ort.Tensor, threads: number | undefined): Promise<Runner> {
  const explainer = await createExplainer(compiled, { threads });
  const data = { data: input.data as Float32Array, dims: input.dims };
  return { once: async () => void (await explainer.explain(data)), close: explainer.close };
}

function randomInput(compiled: CompiledExplainer, batch: number): ort.Tensor {
  const shape = (compiled.input.shape ?? []).map((d, i) => (i === 0 ? batch : d));
  if (shape.some((d) => typeof d !== 'number')) fail(`bench: input ${compiled.input.name} has dynamic dimensions [${shape.join(', ')}] besides the batch`);
  const dims = shape as number[];
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  // Deterministic pseudo-normal values (sum of uniforms), clipped to ±3 like the fixtures' inputs.
  let state = 12345;
  const uniform = () => ((state = (state * 1103515245 + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(-3, Math.min(3, uniform() + uniform() + uniform() + uniform() - 2));
  return new ort.Tensor('float32', data, dims);
}

async function timed(f: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function peakRss(argv: string[], kind: string): number {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const child = spawnSync(process.execPath, [main, 'bench', ...argv.filter((a) => a !== '--json'), '--rss-probe', kind], { encoding: 'utf8' });
  if (child.status !== 0) fail(`bench: the ${kind} memory probe failed: ${(child.stderr || child.stdout).trim().split('\n').pop()}`);
  return (JSON.parse(child.stdout.trim().split('\n').pop()!) as { peakRssMb: number }).peakRssMb;
}
