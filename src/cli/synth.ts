/**
 * `lrp-report synth lesions`: synthetic dermoscopy-like images with their ground truth, and a case file for each in
 * `cases/`, so that the set runs through `report` or `batch --cases DIR/cases` as it is (the truth files beside the
 * images are not case files).
 */
import path from 'node:path';
import sharp from 'sharp';
import YAML from 'yaml';
import { generateLesion, imageSeed } from '../../domains/dermatology/synthetic/generator.js';
import { fail, UsageError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { outputFolder, parse, positiveInt, required } from './args.js';

export const usage = 'lrp-report synth lesions --n N --seed S --out DIR [--shortcut] [--ink always|never]';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    n: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    shortcut: { type: 'boolean' },
    ink: { type: 'string' },
  }, 'synth', ['lesions']);
  if (positionals[0] !== 'lesions') throw new UsageError(`synth: expected "synth lesions", got "synth ${positionals[0]}"`);
  const n = positiveInt(values.n, 'n', 1);
  const seedText = required(values.seed, 'seed', 'synth');
  if (!/^\d+$/.test(seedText) || Number(seedText) > 0xffffffff) fail(`--seed ${seedText}: expected an integer 0…4294967295`);
  const seed = Number(seedText);
  const out = outputFolder(values.out, 'synth');
  if (values.ink !== undefined && values.ink !== 'always' && values.ink !== 'never') fail(`--ink ${values.ink}: expected always or never`);
  const force = values.ink ? { ink: values.ink === 'always' } : {};
  const index: { id: string; image: string; mask: string; truth: string; label: string }[] = [];
  for (let i = 0; i < n; i++) {
    const lesion = generateLesion(imageSeed(seed, i), { shortcut: values.shortcut, force });
    const { id } = lesion.truth;
    const image = await sharp(lesion.rgb, { raw: { width: lesion.width, height: lesion.height, channels: 3 } }).png().toBuffer();
    const mask = await sharp(Buffer.from(lesion.mask.data.map((v) => v * 255)), { raw: { width: lesion.width, height: lesion.height, channels: 1 } }).png().toBuffer();
    writeFileAtomic(path.join(out, `${id}.png`), image);
    writeFileAtomic(path.join(out, `${id}.mask.png`), mask);
    writeFileAtomic(path.join(out, `${id}.json`), `${JSON.stringify(lesion.truth, null, 1)}\n`);
    const caseFile = { schema_version: 1, case_id: id, lesion_id: id, image: `../${id}.png`, pixel_spacing_mm: lesion.truth.pixel_spacing_mm };
    writeFileAtomic(path.join(out, 'cases', `${id}.yaml`), `# Synthetic lesion (lrp-report synth, seed ${seed}, image ${i}); no clinician score, no date.\n${YAML.stringify(caseFile)}`);
    index.push({ id, image: `${id}.png`, mask: `${id}.mask.png`, truth: `${id}.json`, label: lesion.truth.label });
  }
  writeFileAtomic(path.join(out, 'index.json'), `${JSON.stringify({ seed, n, shortcut: Boolean(values.shortcut), ink: values.ink ?? 'random', images: index }, null, 1)}\n`);
  process.stdout.write(`${n} lesions written to ${out} (${index.filter((e) => e.label === 'suspicious').length} labelled suspicious); their case files: lrp-report batch --domain dermatology --cases ${path.join(out, 'cases')} --out …\n`);
  return 0;
}
