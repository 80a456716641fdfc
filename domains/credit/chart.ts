/**
 * The officer report's factor chart: one horizontal bar per top factor, signed relevance from a zero axis
 * (right = raised the estimated risk, left = lowered it). The picture carries no words, only the factor's
 * rank (the row of the table beside it) and its signed value, so one PNG serves every locale; the caption and
 * the table say what the bars mean. Drawn as SVG, rasterized by sharp (librsvg): the same input, the same bytes.
 */
import sharp from 'sharp';

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
const FONT = "'DejaVu Sans', 'Noto Sans CJK SC', sans-serif";

/** Signed value as the chart prints it: an explicit sign (the sign is said in text, not by colour alone). */
export function signed(value: number, digits = 3): string {
  const text = Math.abs(value).toFixed(digits);
  return value > 0 ? `+${text}` : value < 0 ? `\u2212${text}` : text;
}

export function factorChartSvg(bars: readonly ChartBar[]): string {
  const height = TOP + ROW * Math.max(bars.length, 1) + BOTTOM;
  const centre = LEFT + (WIDTH - LEFT - RIGHT) / 2;
  const half = (WIDTH - LEFT - RIGHT) / 2 - VALUE_ROOM;
  const largest = Math.max(1e-12, ...bars.map((b) => Math.abs(b.relevance)));
  const scale = half / largest;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    // Direction marks at the top of the axis: − (lowered the risk) on the left, + (raised it) on the right.
    `<text x="${centre - 14}" y="26" font-family="${FONT}" font-size="26" text-anchor="end" fill="${CHART_COLOURS.favorable}">\u2212 \u2190</text>`,
    `<text x="${centre + 14}" y="26" font-family="${FONT}" font-size="26" text-anchor="start" fill="${CHART_COLOURS.adverse}">\u2192 +</text>`,
  ];
  bars.forEach((bar, i) => {
    const y = TOP + i * ROW;
    const mid = y + ROW / 2;
    const length = Math.abs(bar.relevance) * scale;
    const adverse = bar.relevance > 0;
    const x = adverse ? centre : centre - length;
    parts.push(
      `<line x1="${LEFT}" y1="${y + ROW}" x2="${WIDTH - RIGHT}" y2="${y + ROW}" stroke="${CHART_COLOURS.grid}" stroke-width="1"/>`,
      `<text x="${LEFT - 22}" y="${mid + 9}" font-family="${FONT}" font-size="26" font-weight="bold" text-anchor="end" fill="${CHART_COLOURS.text}">${bar.rank}</text>`,
      `<rect x="${x.toFixed(2)}" y="${y + 8}" width="${Math.max(length, 1).toFixed(2)}" height="${ROW - 16}" fill="${adverse ? CHART_COLOURS.adverse : CHART_COLOURS.favorable}"/>`,
      `<text x="${(adverse ? centre + length + 10 : centre - length - 10).toFixed(2)}" y="${mid + 8}" font-family="${FONT}" font-size="23" text-anchor="${adverse ? 'start' : 'end'}" fill="${CHART_COLOURS.text}">${signed(bar.relevance)}</text>`,
    );
  });
  parts.push(`<line x1="${centre}" y1="${TOP - 6}" x2="${centre}" y2="${TOP + ROW * Math.max(bars.length, 1)}" stroke="${CHART_COLOURS.axis}" stroke-width="2"/>`, '</svg>');
  return parts.join('\n');
}

export async function factorChartPng(bars: readonly ChartBar[]): Promise<Uint8Array> {
  return new Uint8Array(await sharp(Buffer.from(factorChartSvg(bars))).flatten({ background: '#ffffff' }).png({ compressionLevel: 6 }).toBuffer());
}
