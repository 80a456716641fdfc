/** `lrp-report explain`: relevance of a .npy batch for a model and a composite. */
import { UsageError } from '../errors.js';
import { readNpy, writeNpy } from '../io/npy.js';
import { writeHeatmapPng } from '../imaging/heatmap.js';
import { explainModelFile } from '../lrp/api.js';
import { parse, parseMethodAndComposite, parseParams, parseProfile, parseSeed, parseTarget, required } from './args.js';
import { noteUnusedParams } from './params-note.js';

export const usage = `lrp-report explain --model M.onnx --input X.npy [--method lrp|gradient|gradient-x-input] --composite NAME|FILE.yaml [--param k=v …]
    [--target predicted|K] [--seed logit|one-hot] [--profile fast|low-memory] --out R.npy [--heatmap H.png] [--json]`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    model: { type: 'string' },
    input: { type: 'string' },
    method: { type: 'string' },
    composite: { type: 'string' },
    param: { type: 'string', multiple: true },
    target: { type: 'string' },
    seed: { type: 'string' },
    profile: { type: 'string' },
    out: { type: 'string' },
    heatmap: { type: 'string' },
    json: { type: 'boolean' },
  }, 'explain');
  const model = required(values.model, 'model', 'explain');
  const inputFile = required(values.input, 'input', 'explain');
  const out = required(values.out, 'out', 'explain');
  // The heatmap is a PNG: a file named otherwise would hold what its name does not say.
  if (values.heatmap !== undefined && !/\.png$/i.test(values.heatmap)) throw new UsageError(`explain: --heatmap ${values.heatmap}: the heatmap is written as PNG; name it .png`);
  const params = parseParams(values.param);
  const target = parseTarget(values.target);
  const seed = parseSeed(values.seed);
  const input = readNpy(inputFile);
  const result = await explainModelFile(model, input, { ...parseMethodAndComposite(values.method, values.composite, 'explain'), params, target, seed, profile: parseProfile(values.profile) });
  noteUnusedParams('explain', params, result.rules);
  // Outputs are written only after everything succeeded, each atomically.
  if (values.heatmap) await writeHeatmapPng(values.heatmap, result.relevance, result.dims);
  writeNpy(out, result.relevance, result.dims);
  if (values.json) {
    const rows = Array.from({ length: result.batch }, (_, n) => Array.from(result.logits.subarray(n * result.classes, (n + 1) * result.classes)));
    process.stdout.write(`${JSON.stringify({ method: result.method, composite: result.composite, seed: result.seed, logits: rows, targets: result.targets, conservation: result.conservation }, null, 2)}\n`);
  } else {
    result.conservation.forEach((c, n) => {
      process.stdout.write(`sample ${n}: target ${result.targets[n]}, seed ${fmt(c.seed)}, Σ relevance ${fmt(c.sum)}, residual ${fmt(c.residual)}\n`);
    });
    process.stdout.write(`relevance [${result.dims.join(', ')}] written to ${out}\n`);
  }
  return 0;
}

const fmt = (v: number) => v.toPrecision(6);
