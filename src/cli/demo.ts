/**
 * `npm run demo`: the main job on bundled defaults. Until the domain reports exist it explains the bundled
 * demo CNN (random weights, see models/demo/README.md) with two composites and writes relevance, heatmaps and
 * a summary under reports/demo/.
 */
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { readNpy, writeNpy } from '../io/npy.js';
import { writeHeatmapPng } from '../imaging/heatmap.js';
import { explainModelFile } from '../lrp/api.js';
import { packagePath } from '../paths.js';
import { parse } from './args.js';

export const demoUsage = 'lrp-report demo [--out DIR]';

export async function demoCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { out: { type: 'string' } }, 'demo');
  const outDir = values.out ?? packagePath('reports', 'demo');
  const model = packagePath('models', 'demo', 'random-cnn.onnx');
  const input = readNpy(packagePath('models', 'demo', 'random-cnn-input.npy'));
  const summary: Record<string, unknown>[] = [];
  for (const [composite, params] of [['epsilon-plus-flat', {}], ['epsilon-gamma-box', { low: -3, high: 3 }]] as const) {
    const result = await explainModelFile(model, input, { composite, params });
    writeNpy(path.join(outDir, `relevance-${composite}.npy`), result.relevance, result.dims);
    await writeHeatmapPng(path.join(outDir, `heatmap-${composite}.png`), result.relevance, result.dims);
    summary.push({ composite: result.composite, seed: result.seed, targets: result.targets, conservation: result.conservation });
    process.stdout.write(`${composite}: targets ${result.targets.join(', ')}; residuals ${result.conservation.map((c) => c.residual.toFixed(4)).join(', ')}\n`);
  }
  writeFileAtomic(path.join(outDir, 'summary.json'), `${JSON.stringify({ model: path.relative(packagePath(), model), summary }, null, 2)}\n`);
  process.stdout.write(`demo outputs written to ${outDir}\n`);
  return 0;
}
