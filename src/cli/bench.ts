/**
 * `lrp-report bench`: median ms of plain onnxruntime inference and of explain on the same model, batch and
 * threads, timed in one process (in blocks), and the peak RSS of each measured in its own child process (a
 * process's peak cannot be split between two sessions). Explaining compiles in a child process of its own
 * (lrp/open.ts); that compiler's peak is measured and reported too.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { fail } from '../errors.js';
import type { ExplainerProfile } from '../lrp/compile/compile.js';
import { sessionOptions } from '../lrp/explainer.js';
import { openExplainer } from '../lrp/open.js';
import { compileModelFileTo } from '../lrp/api.js';
import { parse, parseParams, parseProfile, positiveInt, required } from './args.js';

export const usage = `lrp-report bench --model M.onnx --composite NAME|FILE.yaml [--param k=v …] [--batch N] [--runs N] [--threads N] [--profile fast|low-memory] [--json]`;

export interface BenchResult {
  readonly model: string;
  readonly composite: string;
  readonly batch: number;
  readonly runs: number;
  readonly threads: number | 'default';
  readonly profile: ExplainerProfile;
  readonly inferenceMs: number;
  readonly explainMs: number;
  readonly ratio: number;
  readonly inferencePeakRssMb: number;
  readonly explainPeakRssMb: number;
  readonly rssRatio: number;
  /** Peak RSS of the compiler's own process (it exits before the explainer's session is created). */
  readonly compilePeakRssMb: number;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    model: { type: 'string' },
    composite: { type: 'string' },
    param: { type: 'string', multiple: true },
    batch: { type: 'string' },
    runs: { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
    profile: { type: 'string' },
    'rss-probe': { type: 'string' },
  }, 'bench');
  const model = required(values.model, 'model', 'bench');
  const composite = required(values.composite, 'composite', 'bench');
  const params = parseParams(values.param);
  const batch = positiveInt(values.batch, 'batch', 1);
  const runs = positiveInt(values.runs, 'runs', 10);
  const threads = values.threads === undefined ? undefined : positiveInt(values.threads, 'threads', 1);
  const profile = parseProfile(values.profile);

  const probe = values['rss-probe'];
  if (probe !== undefined) {
    // Each probe does only what its side needs: plain inference never compiles, explain pays for compiling.
    if (probe !== 'inference' && probe !== 'explain' && probe !== 'compile') fail(`--rss-probe ${probe}: expected inference, explain or compile`);
    if (probe === 'compile') {
      // What the compiler process of openExplainer does.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lrp-bench-compile-'));
      try {
        compileModelFileTo(model, { composite, params, profile }, dir);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      process.stdout.write(`${JSON.stringify({ peakRssMb: peakRssOfThisProcess() })}\n`);
      return 0;
    }
    const run = probe === 'inference' ? await inferenceRunner(model, batch, threads) : await explainRunner(model, composite, params, profile, batch, threads);
    for (let i = 0; i < runs + 2; i++) await run.once();
    process.stdout.write(`${JSON.stringify({ peakRssMb: peakRssOfThisProcess() })}\n`);
    return 0;
  }

  // Sessions run in blocks, not interleaved: onnxruntime's worker threads spin for a while after each run
  // and would slow down whichever session runs next.
  const inference = await inferenceRunner(model, batch, threads);
  const explain = await explainRunner(model, composite, params, profile, batch, threads);
  const inferenceTimes = await timeRuns(inference, runs);
  const explainTimes = await timeRuns(explain, runs);
  await inference.close();
  await explain.close();
  const rss = (kind: string) => peakRss(argv, kind);
  const inferenceRss = rss('inference');
  const explainRss = rss('explain');
  const compileRss = rss('compile');
  const result: BenchResult = {
    model,
    composite: explain.composite,
    batch,
    runs,
    threads: threads ?? 'default',
    profile,
    inferenceMs: median(inferenceTimes),
    explainMs: median(explainTimes),
    ratio: median(explainTimes) / median(inferenceTimes),
    inferencePeakRssMb: inferenceRss,
    explainPeakRssMb: explainRss,
    rssRatio: explainRss / inferenceRss,
    compilePeakRssMb: compileRss,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    process.stdout.write(
      `${model} · ${result.composite} · batch ${batch} · ${runs} runs · threads ${result.threads}\n` +
        `  inference  ${result.inferenceMs.toFixed(2)} ms (median)   peak RSS ${inferenceRss.toFixed(0)} MB\n` +
        `  explain    ${result.explainMs.toFixed(2)} ms (median)   peak RSS ${explainRss.toFixed(0)} MB (compiled in a child process: peak ${compileRss.toFixed(0)} MB)\n` +
        `  ratio      ${result.ratio.toFixed(2)}× time, ${result.rssRatio.toFixed(2)}× peak RSS (profile ${profile})\n`,
    );
  }
  return 0;
}

interface Runner {
  readonly composite: string;
  once(): Promise<void>;
  close(): Promise<void>;
}

async function inferenceRunner(modelFile: string, batch: number, threads: number | undefined): Promise<Runner> {
  // onnxruntime reads the file itself, as a plain deployment would.
  const session = await ort.InferenceSession.create(modelFile, sessionOptions({ threads }));
  const meta = session.inputMetadata[0];
  const input = randomInput(meta.isTensor ? meta.shape : [], batch, session.inputNames[0]);
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input.data, input.dims) };
  return { composite: '', once: async () => void (await session.run(feeds)), close: () => session.release() };
}

async function explainRunner(modelFile: string, composite: string, params: Record<string, number | number[]>, profile: ExplainerProfile, batch: number, threads: number | undefined): Promise<Runner> {
  const explainer = await openExplainer(modelFile, { composite, params, profile }, { threads });
  const input = randomInput(explainer.info.input.shape ?? [], batch, explainer.info.input.name);
  return { composite: explainer.info.composite.name, once: async () => void (await explainer.explain(input)), close: explainer.close };
}

function randomInput(declared: readonly (number | string)[], batch: number, name: string): { data: Float32Array; dims: number[] } {
  const shape = declared.map((d, i) => (i === 0 ? batch : d));
  if (shape.some((d) => typeof d !== 'number')) fail(`bench: input ${name} has dynamic dimensions [${shape.join(', ')}] besides the batch`);
  const dims = shape as number[];
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  // Deterministic pseudo-normal values (sum of uniforms), clipped to ±3 like the fixtures' inputs.
  let state = 12345;
  const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(-3, Math.min(3, uniform() + uniform() + uniform() + uniform() - 2));
  return { data, dims };
}

async function timeRuns(runner: Runner, runs: number): Promise<number[]> {
  for (let i = 0; i < 3; i++) await runner.once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await runner.once();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

/**
 * VmHWM from /proc: the high-water mark of this process's own memory. getrusage's maxRSS is not usable in a
 * spawned child: Linux carries the parent's peak across fork+exec.
 */
function peakRssOfThisProcess(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // Not Linux: fall back to getrusage (correct for a process that was not forked from a large parent).
  }
  return process.resourceUsage().maxRSS / 1024;
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
