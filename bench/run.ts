/**
 * `npm run bench`: builds the ResNet-50-shaped model, then runs `lrp-report bench` (each in its own process)
 * on it and on the fixture models, and prints a Markdown table for BENCHMARKS.md.
 *   npm run bench -- [--runs N] [--only resnet50] [--threads N]
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { packagePath } from '../src/paths.js';
import type { BenchResult } from '../src/cli/bench.js';
import { writeResnet50 } from './resnet50.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, only: { type: 'string' }, threads: { type: 'string' } } });
const fixtures = path.resolve(packagePath(), '../shared/fixtures/zennit');
const resnetFile = path.join(os.tmpdir(), 'lrp-report-resnet50-random.onnx');
writeResnet50(resnetFile);

const lowMemory = ['--profile', 'low-memory'];
const cases: [string, string, string, string[]][] = [
  ['resnet50', resnetFile, 'epsilon-plus-flat', []],
  ['resnet50', resnetFile, 'epsilon', []],
  ['resnet50', resnetFile, 'epsilon-gamma-box', ['--param', 'low=-3', '--param', 'high=3']],
  ['resnet50', resnetFile, 'epsilon-plus-flat', lowMemory],
  ['resnet50', resnetFile, 'epsilon', lowMemory],
  ['resnet18 (fixture)', path.join(fixtures, 'resnet', 'model.onnx'), 'epsilon-plus-flat', []],
  ['resnet18 (fixture)', path.join(fixtures, 'resnet', 'model.onnx'), 'epsilon', []],
  ['cnn (fixture)', path.join(fixtures, 'cnn', 'model.onnx'), 'epsilon-plus-flat', []],
  ['mlp (fixture)', path.join(fixtures, 'mlp', 'model.onnx'), 'epsilon', []],
];

const rows: string[] = [];
for (const [label, model, composite, extra] of cases) {
  if (values.only && !label.startsWith(values.only)) continue;
  const args = [packagePath('dist', 'src', 'cli', 'main.js'), 'bench', '--model', model, '--composite', composite, ...extra, '--runs', values.runs!, '--json', ...(values.threads ? ['--threads', values.threads] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench failed for ${label} ${composite}: ${r.stderr}`);
  const b = JSON.parse(r.stdout) as BenchResult;
  rows.push(`| ${label} | ${composite} | ${b.profile} | ${b.batch} | ${b.inferenceMs.toFixed(2)} | ${b.explainMs.toFixed(2)} | **${b.ratio.toFixed(2)}×** | ${b.inferencePeakRssMb.toFixed(0)} | ${b.explainPeakRssMb.toFixed(0)} | **${b.rssRatio.toFixed(2)}×** | ${b.compilePeakRssMb.toFixed(0)} |`);
  process.stderr.write(`${rows[rows.length - 1]}\n`);
}
process.stdout.write(`| model | composite | profile | batch | inference ms | explain ms | time ratio | inference peak RSS MB | explain peak RSS MB | RSS ratio | compiler peak RSS MB |\n|---|---|---|---|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`);
