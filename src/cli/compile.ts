/** `lrp-report compile`: a standalone explainer graph any ONNX runtime can run. */
import { writeFileAtomic } from '../io/atomic.js';
import { compileModelFile } from '../lrp/api.js';
import fs from 'node:fs';
import path from 'node:path';
import { fail, systemReason } from '../errors.js';
import type { Model } from '../onnx/ir.js';
import { encodeModel, initializerBytes, writeModelWithExternalData } from '../onnx/save.js';
import { EXPLAINER_IO } from '../lrp/compile/compile.js';
import { parse, parseMethodAndComposite, parseParams, parseProfile, parseSeed, required } from './args.js';
import { noteUnusedParams } from './params-note.js';

export const usage = `lrp-report compile --model M.onnx [--method lrp|gradient|gradient-x-input] --composite NAME|FILE.yaml [--param k=v …] [--seed logit|one-hot] [--profile fast|low-memory] -o explainer.onnx`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    model: { type: 'string' },
    method: { type: 'string' },
    composite: { type: 'string' },
    param: { type: 'string', multiple: true },
    seed: { type: 'string' },
    profile: { type: 'string' },
    out: { type: 'string', short: 'o' },
  }, 'compile');
  const model = required(values.model, 'model', 'compile');
  const out = required(values.out, 'out (-o)', 'compile');
  const params = parseParams(values.param);
  const compiled = compileModelFile(model, { ...parseMethodAndComposite(values.method, values.composite, 'compile'), params, seed: parseSeed(values.seed), profile: parseProfile(values.profile) });
  noteUnusedParams('compile', params, compiled.info.rules);
  if (initializerBytes(compiled.model) > EXTERNAL_DATA_BYTES) writeExternalAtomic(compiled.model, out);
  else writeFileAtomic(out, encodeModel(compiled.model));
  process.stdout.write(
    `explainer written to ${out}\n  inputs: ${compiled.info.input.name} [${(compiled.info.input.shape ?? []).join(', ')}], ${EXPLAINER_IO.target} [batch] int64 (< 0: predicted class)\n` +
      `  outputs: ${EXPLAINER_IO.logits}, ${EXPLAINER_IO.relevance}, ${EXPLAINER_IO.targets}${compiled.info.head !== 'none' ? `, ${EXPLAINER_IO.probabilities}` : ''}\n` +
      `  composite ${compiled.info.composite.name}, seed ${compiled.info.seed}, ${compiled.info.rules.length} linear layers\n`,
  );
  return 0;
}

/** Past 1 GiB of weights the explainer goes out as OUT + OUT.data (protobuf cannot hold 2 GB). */
const EXTERNAL_DATA_BYTES = 1 << 30;

function writeExternalAtomic(model: Model, out: string): void {
  const staging = fs.mkdtempSync(path.join(path.dirname(path.resolve(out)), '.lrp-compile-'));
  try {
    const staged = path.join(staging, path.basename(out));
    writeModelWithExternalData(model, staged);
    fs.renameSync(`${staged}.data`, `${out}.data`);
    fs.renameSync(staged, out);
  } catch (e) {
    fail(`cannot write ${out}: ${systemReason(e)}`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
