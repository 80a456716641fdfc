/** Sub-pixel outline of a field at a level: lengths and areas against closed forms; the thin-ridge detector. */
import { describe, expect, it } from 'vitest';
import type { Field } from '../../src/imaging/mask.js';
import { largestOutline, maskArea, perimeter, thinRidges } from '../../src/imaging/mask.js';

/** Signed distance to a circle (positive inside), sampled at pixel centres. */
function disc(size: number, cx: number, cy: number, r: number): Field {
  const data = new Float32Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x] = r - Math.hypot(x - cx, y - cy);
  return { width: size, height: size, data };
}

describe('largestOutline', () => {
  it('measures a disc: perimeter 2πr and area πr² within 0.5 %, whatever its sub-pixel position', () => {
    for (const [cx, cy, r] of [[32, 32, 20], [31.3, 33.7, 12.4], [40.5, 25.25, 7.8]]) {
      const outline = largestOutline(disc(64, cx, cy, r), 0);
      expect(Math.abs(outline.perimeter / (2 * Math.PI * r) - 1)).toBeLessThan(0.005);
      expect(Math.abs(outline.area / (Math.PI * r * r) - 1)).toBeLessThan(0.005);
    }
  });

  it('is shorter than the binary mask staircase of the same disc', () => {
    const field = disc(64, 31.3, 33.7, 20);
    const mask = { width: 64, height: 64, data: Uint8Array.from(field.data as Float32Array, (v) => (v > 0 ? 1 : 0)) };
    expect(perimeter(mask)).toBeGreaterThan(largestOutline(field, 0).perimeter * 1.03);
    // On the 0/1 mask at 0.5 it is the binary marching squares.
    expect(largestOutline(mask, 0.5).perimeter).toBeCloseTo(perimeter(mask), 6);
    expect(Math.abs(largestOutline(mask, 0.5).area - maskArea(mask)) / maskArea(mask)).toBeLessThan(0.02);
  });

  it('keeps the loop of largest area: islands and holes do not add perimeter', () => {
    const size = 64;
    const big = disc(size, 24, 32, 14), island = disc(size, 52, 32, 4), hole = disc(size, 24, 32, 3);
    const data = Float32Array.from(big.data as Float32Array, (v, i) => Math.max(Math.min(v, -(hole.data[i] as number)), island.data[i] as number));
    const outline = largestOutline({ width: size, height: size, data }, 0);
    expect(Math.abs(outline.perimeter / (2 * Math.PI * 14) - 1)).toBeLessThan(0.005);
  });

  it('treats the image frame as outside and ±Infinity as forced out or in', () => {
    const size = 16;
    const inside = new Float32Array(size * size).fill(Infinity);
    const outline = largestOutline({ width: size, height: size, data: inside }, 0);
    // Between two infinities the crossing is halfway, as on a binary mask: like an all-ones mask.
    expect(outline.perimeter).toBeCloseTo(perimeter({ width: size, height: size, data: new Uint8Array(size * size).fill(1) }), 6);
    expect(outline.area).toBeCloseTo(size * size - 4 / 8, 6);
    expect(largestOutline({ width: size, height: size, data: new Float32Array(size * size).fill(-Infinity) }, 0)).toEqual({ perimeter: 0, area: 0 });
  });
});

describe('thinRidges', () => {
  const size = 40;
  /** A flat field of 10 with `bright` pixels set to 100. */
  const field = (bright: (x: number, y: number) => boolean): Field => {
    const data = new Float32Array(size * size);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x] = bright(x, y) ? 100 : 10;
    return { width: size, height: size, data };
  };

  it('finds a thin line at any orientation, at full contrast, and in-paints it from the flanks', () => {
    // A 2 px wide line through the centre at 30° from the x axis (distance to the line < 1).
    const line = field((x, y) => Math.abs((y - 20) * Math.cos(Math.PI / 6) - (x - 20) * Math.sin(Math.PI / 6)) < 1);
    const { contrast, across } = thinRidges(line, 3, 3);
    const centre = 20 * size + 20;
    expect(contrast[centre]).toBeCloseTo(90, 0);
    expect(across[centre]).toBe(10);
  });

  it('ignores a step edge, and barely responds on the rim of a disc as small as a lesion (r = 14 px)', () => {
    const step = thinRidges(field((x) => x >= 20), 3, 3);
    const round = thinRidges(field((x, y) => Math.hypot(x - 20, y - 20) < 14), 3, 3);
    expect(Math.max(...step.contrast)).toBeLessThanOrEqual(0);
    // Only the staircase of its rim: under a fifth of the 90 a line of the same contrast gives.
    expect(Math.max(...round.contrast)).toBeLessThan(18);
  });
});
