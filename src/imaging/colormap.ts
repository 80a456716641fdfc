/**
 * Relevance → colour with a symmetric diverging map (blue = negative, white = 0, red = positive), scaled by
 * max |R| so that zero is always white and equal magnitudes have equal intensity whatever their sign.
 */

export type Rgb = readonly [number, number, number];

const NEGATIVE: Rgb = [33, 102, 172];
const ZERO: Rgb = [247, 247, 247];
const POSITIVE: Rgb = [178, 24, 43];

export function divergingColor(value: number, scale: number): Rgb {
  const t = scale > 0 ? Math.max(-1, Math.min(1, value / scale)) : 0;
  const end = t >= 0 ? POSITIVE : NEGATIVE;
  const a = Math.abs(t);
  return [0, 1, 2].map((i) => Math.round(ZERO[i] + (end[i] - ZERO[i]) * a)) as unknown as Rgb;
}

/** Sums relevance over channels: [C, H, W] → [H, W]. */
export function channelSum(relevance: Float32Array, channels: number, height: number, width: number): Float32Array {
  const out = new Float32Array(height * width);
  for (let c = 0; c < channels; c++) for (let i = 0; i < height * width; i++) out[i] += relevance[c * height * width + i];
  return out;
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/** RGB bytes of a relevance map. */
export function heatmapPixels(map: Float32Array, scale = maxAbs(map)): Uint8Array {
  const out = new Uint8Array(map.length * 3);
  for (let i = 0; i < map.length; i++) out.set(divergingColor(map[i], scale), i * 3);
  return out;
}
