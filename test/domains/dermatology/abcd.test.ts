/**
 * The automated ABCD measurements against the generator's truth on 200 lesions never used for training
 * (set 4004), artefacts included. Asymmetry, colour set, compactness, diameter and border abruptness meet
 * issue 4's numbers.
 */
import { describe, expect, it } from 'vitest';
import { loadAbcdConfig, loadDermatologyConfig } from '../../../domains/dermatology/config.js';
import { measureAbcd } from '../../../domains/dermatology/features/abcd.js';
import { segmentLesion } from '../../../domains/dermatology/features/segmentation.js';
import { generateLesion, imageSeed } from '../../../domains/dermatology/synthetic/generator.js';

const domain = loadDermatologyConfig();
const config = loadAbcdConfig();

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
    return { truth: lesion.truth, measured: measureAbcd(lesion.rgb, seg.extent, seg.skin, config, lesion.truth.pixel_spacing_mm) };
  });

  it('asymmetry: Spearman ≥ 0.8 between measured and true asymmetry index', () => {
    const rho = spearman(rows.map((r) => (r.measured.asymmetry.indices[0] + r.measured.asymmetry.indices[1]) / 2), rows.map((r) => (r.truth.asymmetry.indices[0] + r.truth.asymmetry.indices[1]) / 2));
    console.log(`asymmetry Spearman ${rho.toFixed(3)}`);
    expect(rho).toBeGreaterThanOrEqual(0.8);
  });

  it('asymmetry: the number of asymmetric axes (what the TDS uses) exact on ≥ 85 % of lesions', () => {
    const exact = rows.filter((r) => r.measured.asymmetry.axes === r.truth.asymmetry.asymmetric_axes).length / rows.length;
    console.log(`asymmetric axes exact on ${(exact * 100).toFixed(1)} %`);
    expect(exact).toBeGreaterThanOrEqual(0.85);
  });

  it('asymmetry on another set (2024, where pale lesions with a dark patch are common): Spearman ≥ 0.85', () => {
    // Measured on the tight Otsu outline (the dark patch alone on such lesions) this was 0.74.
    const other = Array.from({ length: 150 }, (_, i) => {
      const lesion = generateLesion(imageSeed(2024, i));
      const seg = segmentLesion(lesion.rgb, lesion.width, lesion.height, domain.segmentation);
      const measured = measureAbcd(lesion.rgb, seg.extent, seg.skin, config, null).asymmetry.indices;
      return [(measured[0] + measured[1]) / 2, (lesion.truth.asymmetry.indices[0] + lesion.truth.asymmetry.indices[1]) / 2];
    });
    const rho = spearman(other.map((r) => r[0]), other.map((r) => r[1]));
    console.log(`asymmetry Spearman (set 2024) ${rho.toFixed(3)}`);
    expect(rho).toBeGreaterThanOrEqual(0.85);
  });

  it('colours: the exact colour set on ≥ 80 % of lesions', () => {
    const exact = rows.filter((r) => [...r.measured.colours.present].sort().join() === [...r.truth.colours].sort().join()).length / rows.length;
    console.log(`colour set exact on ${(exact * 100).toFixed(1)} %`);
    expect(exact).toBeGreaterThanOrEqual(0.8);
  });

  it('diameter: within 10 % of the truth on ≥ 90 % of lesions when the pixel spacing is given', () => {
    const within = rows.filter((r) => Math.abs(r.measured.diameter.mm! - r.truth.diameter_mm) / r.truth.diameter_mm <= 0.1).length / rows.length;
    console.log(`diameter within 10 % on ${(within * 100).toFixed(1)} %`);
    expect(within).toBeGreaterThanOrEqual(0.9);
  });

  // Truth: P²/(4πA) of the generator's exact mask (binary marching squares). Measured 0.875 here (0.893, 0.910
  // and 0.906 on development sets 4100, 4200 and 4300; 0.79–0.86 before hairs were in-painted as thin lines).
  // Hairs touching the lesion remain the main error: hair-free lesions alone reach about 0.93 on those sets.
  it('border: compactness against the true border irregularity (Spearman ≥ 0.8)', () => {
    const rho = spearman(rows.map((r) => r.measured.border.compactness), rows.map((r) => r.truth.border.compactness));
    console.log(`compactness Spearman ${rho.toFixed(3)}`);
    expect(rho).toBeGreaterThanOrEqual(0.8);
  });

  // Measured 95.9 % of sectors, Spearman 0.95 and mean absolute error 0.31 on abrupt_count (0.956–0.961, 0.95–0.96,
  // 0.30–0.34 on sets 4100 and 4200). Sector misses come from the centroid standing in for the generator's centre.
  it('border: abrupt cut-off per 45° sector agrees with the truth (≥ 93 % of sectors, count Spearman ≥ 0.9, MAE ≤ 0.45)', () => {
    const sectors = rows.flatMap((r) => r.truth.border.abrupt_sectors.map((abrupt, k) => abrupt === r.measured.border.abrupt_sectors[k]));
    const accuracy = sectors.filter(Boolean).length / sectors.length;
    const measured = rows.map((r) => r.measured.border.abrupt_count), truth = rows.map((r) => r.truth.border.abrupt_count);
    const rho = spearman(measured, truth);
    const mae = measured.reduce((s, m, i) => s + Math.abs(m - truth[i]), 0) / rows.length;
    console.log(`abrupt sectors: ${(accuracy * 100).toFixed(1)} % agree, count Spearman ${rho.toFixed(3)}, MAE ${mae.toFixed(2)}`);
    expect(rows.every((r) => r.measured.border.abrupt_sectors.length === 8 && r.measured.border.abrupt_count === r.measured.border.abrupt_sectors.filter(Boolean).length)).toBe(true);
    expect(accuracy).toBeGreaterThanOrEqual(0.93);
    expect(rho).toBeGreaterThanOrEqual(0.9);
    expect(mae).toBeLessThanOrEqual(0.45);
  });

  it('diameter: not measurable without a pixel spacing', () => {
    const lesion = generateLesion(imageSeed(4004, 0));
    const seg = segmentLesion(lesion.rgb, lesion.width, lesion.height, domain.segmentation);
    expect(measureAbcd(lesion.rgb, seg.extent, seg.skin, config, null).diameter.mm).toBeNull();
    const measured = measureAbcd(lesion.rgb, seg.extent, seg.skin, config, 0.1).diameter;
    expect(measured.mm).toBeCloseTo(measured.px * 0.1, 6);
  });
});
