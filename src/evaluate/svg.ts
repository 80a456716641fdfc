/** A small line chart as an SVG string: axes with ticks, one polyline per series, a legend. No dependencies. */
import { escapeHtml } from '../report/html.js';

export interface Series {
  readonly name: string;
  readonly values: readonly number[];
  readonly dashed?: boolean;
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** x of each value; every series has one value per x. */
  readonly x: readonly number[];
  readonly series: readonly Series[];
  /** Tick labels on the x axis instead of the numbers (e.g. layer names). */
  readonly xTickLabels?: readonly string[];
}

/** Colour-blind-safe qualitative palette (Okabe–Ito). */
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];
const W = 720, LEFT = 90, RIGHT = 190, TOP = 40;

const fmt = (v: number) => Number(v.toPrecision(3)).toString();

/** 1, 2 or 5 × 10^k: ticks a reader can add up. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
}

export function lineChartSvg(chart: LineChart): string {
  // Rotated tick labels (layer names) need room below the axis.
  const BOTTOM = chart.xTickLabels ? 170 : 60;
  const H = 320 + BOTTOM;
  const finite = chart.series.flatMap((s) => s.values.filter(Number.isFinite));
  let lo = Math.min(0, ...finite), hi = Math.max(0, ...finite);
  if (hi === lo) hi = lo + 1;
  const pad = (hi - lo) * 0.05;
  (lo -= pad), (hi += pad);
  const x0 = Math.min(...chart.x), x1 = Math.max(...chart.x);
  const px = (x: number) => LEFT + ((x - x0) / (x1 - x0 || 1)) * (W - LEFT - RIGHT);
  const py = (y: number) => TOP + ((hi - y) / (hi - lo)) * (H - TOP - BOTTOM);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escapeHtml(chart.title)}</text>`,
    `<line x1="${LEFT}" y1="${py(0)}" x2="${W - RIGHT}" y2="${py(0)}" stroke="#bbb"/>`,
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${H - BOTTOM}" stroke="black"/>`,
    `<line x1="${LEFT}" y1="${H - BOTTOM}" x2="${W - RIGHT}" y2="${H - BOTTOM}" stroke="black"/>`,
  ];
  const step = niceStep((hi - lo) / 6);
  for (let k = Math.ceil(lo / step); k * step <= hi; k++) {
    const y = k * step;
    parts.push(`<text x="${LEFT - 6}" y="${py(y) + 4}" text-anchor="end">${fmt(y)}</text>`, `<line x1="${LEFT - 3}" y1="${py(y)}" x2="${LEFT}" y2="${py(y)}" stroke="black"/>`);
  }
  const every = Math.max(1, Math.ceil(chart.x.length / 12));
  chart.x.forEach((x, i) => {
    if (i % every !== 0 && i !== chart.x.length - 1) return;
    const label = chart.xTickLabels?.[i] ?? fmt(x);
    const rotate = chart.xTickLabels ? ` transform="rotate(-35 ${px(x)} ${H - BOTTOM + 14})"` : '';
    parts.push(`<text x="${px(x)}" y="${H - BOTTOM + 14}" text-anchor="${chart.xTickLabels ? 'end' : 'middle'}"${rotate}>${escapeHtml(label)}</text>`);
  });
  parts.push(
    `<text x="${(LEFT + W - RIGHT) / 2}" y="${H - 8}" text-anchor="middle">${escapeHtml(chart.xLabel)}</text>`,
    `<text x="16" y="${(TOP + H - BOTTOM) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(TOP + H - BOTTOM) / 2})">${escapeHtml(chart.yLabel)}</text>`,
  );
  chart.series.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length];
    const points = s.values.map((v, i) => (Number.isFinite(v) ? `${px(chart.x[i]).toFixed(1)},${py(v).toFixed(1)}` : '')).filter(Boolean).join(' ');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`);
    const ly = TOP + 10 + k * 18;
    parts.push(`<line x1="${W - RIGHT + 12}" y1="${ly}" x2="${W - RIGHT + 36}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash}/>`, `<text x="${W - RIGHT + 42}" y="${ly + 4}">${escapeHtml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
