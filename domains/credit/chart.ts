/**
 * The officer report's factor chart: one horizontal bar per top factor, signed relevance from a zero axis
 * (right = raised the estimated risk, left = lowered it). The picture carries no words, only the factor's
 * rank (the row of the table beside it) and its signed value, so one drawing serves every locale; the caption and
 * the table say what the bars mean. A vector drawing (src/report/assets.ts): sharp in print, its numbers are text.
 */
import type { Drawing, DrawingItem } from '../../src/report/assets.js';

export interface ChartBar {
  readonly rank: number;
  /** Logit units; > 0 adverse. */
  readonly relevance: number;
}

const WIDTH = 1000;
const ROW = 46;
const TOP = 40;
const BOTTOM = 12;
const LEFT = 70; // rank numbers
const RIGHT = 30;
const VALUE_ROOM = 110; // room for "+0.322" beyond the longest bar
export const CHART_COLOURS = { adverse: '#b2182b', favorable: '#2166ac', axis: '#333333', grid: '#d9d9d9', text: '#222222' } as const;

/** Signed value as the chart prints it: an explicit sign (the sign is said in text, not by colour alone). */
export function signed(value: number, digits = 3): string {
  const text = Math.abs(value).toFixed(digits);
  return value > 0 ? `+${text}` : value < 0 ? `\u2212${text}` : text;
}

export function factorChart(bars: readonly ChartBar[]): Drawing {
  const height = TOP + ROW * Math.max(bars.length, 1) + BOTTOM;
  const centre = LEFT + (WIDTH - LEFT - RIGHT) / 2;
  const half = (WIDTH - LEFT - RIGHT) / 2 - VALUE_ROOM;
  const largest = Math.max(1e-12, ...bars.map((b) => Math.abs(b.relevance)));
  const scale = half / largest;
  const items: DrawingItem[] = [
    { shape: 'rect', x: 0, y: 0, width: WIDTH, height, fill: '#ffffff' },
    // Direction marks at the top of the axis: − (lowered the risk) on the left, + (raised it) on the right.
    { shape: 'text', x: centre - 14, y: 26, text: '\u2212 \u2190', size: 26, anchor: 'end', fill: CHART_COLOURS.favorable },
    { shape: 'text', x: centre + 14, y: 26, text: '\u2192 +', size: 26, anchor: 'start', fill: CHART_COLOURS.adverse },
  ];
  bars.forEach((bar, i) => {
    const y = TOP + i * ROW;
    const mid = y + ROW / 2;
    const length = Math.abs(bar.relevance) * scale;
    const adverse = bar.relevance > 0;
    items.push(
      { shape: 'line', x1: LEFT, y1: y + ROW, x2: WIDTH - RIGHT, y2: y + ROW, stroke: CHART_COLOURS.grid, strokeWidth: 1 },
      { shape: 'text', x: LEFT - 22, y: mid + 9, text: String(bar.rank), size: 26, bold: true, anchor: 'end', fill: CHART_COLOURS.text },
      { shape: 'rect', x: adverse ? centre : centre - length, y: y + 8, width: Math.max(length, 1), height: ROW - 16, fill: adverse ? CHART_COLOURS.adverse : CHART_COLOURS.favorable },
      { shape: 'text', x: adverse ? centre + length + 10 : centre - length - 10, y: mid + 8, text: signed(bar.relevance), size: 23, anchor: adverse ? 'start' : 'end', fill: CHART_COLOURS.text },
    );
  });
  items.push({ shape: 'line', x1: centre, y1: TOP - 6, x2: centre, y2: TOP + ROW * Math.max(bars.length, 1), stroke: CHART_COLOURS.axis, strokeWidth: 2 });
  return { kind: 'drawing', width: WIDTH, height, items };
}
