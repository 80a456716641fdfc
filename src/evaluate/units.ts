/**
 * What the perturbation metrics remove one at a time: square regions of an image (all channels) or the
 * encoded columns of one tabular attribute. A unit's relevance is the sum over its elements.
 */
import type { TabularPreprocessing } from '../models/card.js';

/** Flat indices (within one sample) of each unit. */
export type Units = readonly (readonly number[])[];

/** Non-overlapping `size` × `size` regions of a [C, H, W] sample, row by row; edge regions are clipped. */
export function imageRegions(sampleDims: readonly number[], size: number): Units {
  const [channels, height, width] = sampleDims;
  const regions: number[][] = [];
  for (let y0 = 0; y0 < height; y0 += size) for (let x0 = 0; x0 < width; x0 += size) {
    const members: number[] = [];
    for (let c = 0; c < channels; c++) for (let y = y0; y < Math.min(height, y0 + size); y++) for (let x = x0; x < Math.min(width, x0 + size); x++) members.push((c * height + y) * width + x);
    regions.push(members);
  }
  return regions;
}

/** One unit per attribute: its one-hot columns, or its single numeric column. */
export function attributeUnits(pre: TabularPreprocessing): Units {
  let column = 0;
  return pre.features.map((f) => {
    const width = f.type === 'categorical' ? f.levels.length : 1;
    const members = Array.from({ length: width }, (_, k) => column + k);
    column += width;
    return members;
  });
}

export function unitRelevance(relevance: ArrayLike<number>, units: Units): Float64Array {
  return Float64Array.from(units, (members) => members.reduce((s, i) => s + relevance[i], 0));
}
