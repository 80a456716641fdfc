/** One visual style for both renderers: sizes in points, colours in hex. The HTML stylesheet is derived from it. */
import type { BannerLevel } from './document.js';

export const STYLE = {
  page: { size: 'A4' as const, margin: 48, footerSize: 7.5 },
  text: { size: 9.5, small: 8, lineGap: 1.5, colour: '#1a1a1a', muted: '#555555' },
  heading: { 1: 17, 2: 12.5, 3: 10.5 } as Record<1 | 2 | 3, number>,
  headingColour: '#12355b',
  rule: '#c8ccd2',
  table: { headerFill: '#eef1f5', padding: 3.5, border: '#c8ccd2' },
  banner: {
    critical: { fill: '#fde8e8', border: '#b42318', text: '#7a1010' },
    warning: { fill: '#fff4e0', border: '#b86e00', text: '#6b3f00' },
    info: { fill: '#eaf2fb', border: '#2e6db4', text: '#123a66' },
  } as Record<BannerLevel, { fill: string; border: string; text: string }>,
  figure: { gap: 10, captionSize: 7.5, maxHeight: 200 },
} as const;
