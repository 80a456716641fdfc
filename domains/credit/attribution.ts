/** Relevance per attribute: the one-hot columns of a categorical attribute summed back to it. */
import type { TabularPreprocessing } from '../../src/models/card.js';

/** [first column, number of columns] of every feature, in card order. */
export function columnSpans(pre: TabularPreprocessing): [number, number][] {
  let column = 0;
  return pre.features.map((f) => {
    const width = f.type === 'categorical' ? f.levels.length : 1;
    const span: [number, number] = [column, width];
    column += width;
    return span;
  });
}

/** Per-attribute relevance of sample `n` of a [batch, columns] relevance array. */
export function attributeRelevance(pre: TabularPreprocessing, relevance: Float32Array, n: number): number[] {
  const base = n * pre.columns;
  return columnSpans(pre).map(([start, width]) => {
    let sum = 0;
    for (let i = 0; i < width; i++) sum += relevance[base + start + i];
    return sum;
  });
}
