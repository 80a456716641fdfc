/**
 * The automated ABCD measurements against the generator's truth on 200 lesions never used for training
 * (set 4004), artefacts included. Asymmetry meets issue 4's number; compactness, colour set and diameter do
 * not yet (see the issue note), so they are not asserted here until they do.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { AbcdConfig } from '../../../domains/dermatology/features/abcd.js';
import { measureAbcd } from '../../../domains/dermatology/features/abcd.js';
import type { SegmentationConfig } from '../../../domains/dermatology/features/segmentation.js';
import { segmentLesion } from '../../../domains/dermatology/features/segmentation.js';
import { generateLesion, imageSeed, loadPalette } from '../../../domains/dermatology/synthetic/generator.js';
import { packagePath } from '../../../src/paths.js';

const domain = YAML.parse(fs.readFileSync(packagePath('domains', 'dermatology', 'config.yaml'), 'utf8')) as {
  abcd: { asymmetry_axis_threshold: number };
  segmentation: SegmentationConfig;
  colour: AbcdConfig['colour'];
};
const config: AbcdConfig = { asymmetry_axis_threshold: domain.abcd.asymmetry_axis_threshold, colour: domain.colour, palette: loadPalette() };

function ranks(v: number[]): number[] {
  const order = v.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(v.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

function spearman(a: number[], b: number[]): number {
  const [ra, rb] = [ranks(a), ranks(b)];
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(ra), mean(rb)];
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

describe('automated ABCD criteria on 200 unseen synthetic lesions', () => {
  const rows = Array.from({ length: 200 }, (_, i) => {
    const lesion = generateLesion(imageSeed(4004, i));
    const seg = segmentLesion(lesion.rgb, lesion.width, lesion.height, domain.segmentation);
    return { truth: lesion.truth, measured: measureAbcd(lesion.rgb, seg.mask, seg.skin, config, lesion.truth.pixel_spacing_mm) };
  });

  it('asymmetry: Spearman ≥ 0.8 between measured and true asymmetry index', () => {
    const rho = spearman(rows.map((r) => (r.measured.asymmetry.indices[0] + r.measured.asymmetry.indices[1]) / 2), rows.map((r) => (r.truth.asymmetry.indices[0] + r.truth.asymmetry.indices[1]) / 2));
    console.log(`asymmetry Spearman ${rho.toFixed(3)}`);
    expect(rho).toBeGreaterThanOrEqual(0.8);
  });

  it('diameter: not measurable without a pixel spacing', () => {
    const lesion = generateLesion(imageSeed(4004, 0));
    const seg = segmentLesion(lesion.rgb, lesion.width, lesion.height, domain.segmentation);
    expect(measureAbcd(lesion.rgb, seg.mask, seg.skin, config, null).diameter.mm).toBeNull();
    const measured = measureAbcd(lesion.rgb, seg.mask, seg.skin, config, 0.1).diameter;
    expect(measured.mm).toBeCloseTo(measured.px * 0.1, 6);
  });
});
