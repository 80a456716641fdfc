/**
 * Occlusion (Zeiler & Fergus 2014): slide a window over the input, replace what it covers by `fill`, and
 * give every covered element the drop of the target logit, f(x) − f(x_occluded), averaged over the windows
 * that cover it (Captum's convention). The window spans the last two dimensions of a sample (all channels of
 * an image) or the last one (a feature vector); windows at the edge are clipped. All occluded copies of a
 * group of inputs go through one forward run.
 */
import type { Attributor } from './attributor.js';
import { forEachStack } from './stack.js';

export interface OcclusionOptions {
  /** Window side, in elements of each sliding dimension. */
  readonly window: number;
  readonly stride: number;
  /** The occluding value: one for every element, or one sample's worth (e.g. the population mean). */
  readonly fill: number | Float32Array;
}

/** Flat indices (within one sample) covered by each window position. */
export function occlusionWindows(sampleDims: readonly number[], window: number, stride: number): number[][] {
  const sliding = sampleDims.slice(-2);
  const [height, width] = sliding.length === 2 ? sliding : [1, sliding[0]];
  const plane = height * width;
  const channels = sampleDims.reduce((a, b) => a * b, 1) / plane;
  // Window starts every `stride` until a window reaches the end.
  const starts = (size: number, side: number): number[] => {
    const out = [0];
    while (out[out.length - 1] + side < size) out.push(out[out.length - 1] + stride);
    return out;
  };
  const rowSide = sliding.length === 2 ? window : 1;
  const windows: number[][] = [];
  for (const y0 of starts(height, rowSide)) for (const x0 of starts(width, window)) {
    const members: number[] = [];
    for (let c = 0; c < channels; c++) for (let y = y0; y < Math.min(height, y0 + rowSide); y++) for (let x = x0; x < Math.min(width, x0 + window); x++) members.push(c * plane + y * width + x);
    windows.push(members);
  }
  return windows;
}

export function occlusion(options: OcclusionOptions): Attributor {
  return async (model, input, targets) => {
    const batch = input.dims[0];
    const per = input.data.length / batch;
    const windows = occlusionWindows(model.sampleDims, options.window, options.stride);
    const fill = (i: number) => (typeof options.fill === 'number' ? options.fill : options.fill[i]);
    const { logits } = await model.forward(input);
    const score = (l: Float32Array, row: number, sample: number) => l[row * model.classes + targets[sample]];
    const sum = new Float32Array(input.data.length);
    const count = new Uint16Array(per);
    for (const members of windows) for (const i of members) count[i]++;
    await forEachStack(
      input,
      () => windows.length,
      (_, w, row) => {
        for (const i of windows[w]) row[i] = fill(i);
      },
      async ({ input: stacked, owner, copy }) => {
        const occluded = (await model.forward(stacked)).logits;
        owner.forEach((s, row) => {
          const drop = score(logits, s, s) - score(occluded, row, s);
          for (const i of windows[copy[row]]) sum[s * per + i] += drop;
        });
      },
    );
    return Float32Array.from(sum, (v, j) => (count[j % per] ? v / count[j % per] : 0));
  };
}
