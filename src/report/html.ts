/**
 * Document model → one self-contained HTML file: the stylesheet and every figure inline (PNG as data: URIs,
 * drawings as SVG), no scripts, no external requests, so the file can be archived and opened anywhere.
 */
import type { Block, Figure, Inline, ReportDocument } from './document.js';
import { assetOf, isDrawing, type Asset, type Assets, type Drawing } from './assets.js';
import { STYLE } from './style.js';

export function renderHtml(doc: ReportDocument, assets: Assets): string {
  const body = doc.blocks.map((b) => block(b, assets)).join('\n');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(doc.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lrp-report">
<title>${escapeHtml(doc.title)}</title>
<style>${stylesheet()}</style>
</head>
<body>
<main>
${body}
</main>
<footer>${escapeHtml(doc.footer)}</footer>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function runs(content: Inline): string {
  return content
    .map((r) => {
      let html = escapeHtml(r.text).replace(/\n/g, '<br>');
      if (r.italic) html = `<em>${html}</em>`;
      if (r.bold) html = `<strong>${html}</strong>`;
      return html;
    })
    .join('');
}

function block(b: Block, assets: Assets): string {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level}>${runs(b.content)}</h${b.level}>`;
    case 'paragraph':
      return `<p${b.small ? ' class="small"' : ''}>${runs(b.content)}</p>`;
    case 'banner':
      return `<aside class="banner ${b.level}" role="${b.level === 'info' ? 'note' : 'alert'}">${runs(b.content)}</aside>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${runs(i)}</li>`).join('')}</ul>`;
    case 'table': {
      const head = b.header ? `<thead><tr>${b.header.map((c) => `<th scope="col">${runs(c)}</th>`).join('')}</tr></thead>` : '';
      return `<table>${head}<tbody>${b.rows.map((r) => `<tr>${r.map((c) => `<td>${runs(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
    }
    case 'figures':
      return `<div class="figures">${b.figures.map((f) => `<figure>${picture(f, assetOf(assets, f.asset))}<figcaption>${runs(f.caption)}</figcaption></figure>`).join('')}</div>`;
  }
}

function picture(f: Figure, asset: Asset): string {
  if (isDrawing(asset)) return drawingSvg(asset, f.alt);
  return `<img src="data:image/png;base64,${Buffer.from(asset).toString('base64')}" alt="${escapeHtml(f.alt)}">`;
}

const num = (n: number) => String(Math.round(n * 100) / 100);

/** A drawing as inline SVG; its text takes the page's font. `label` is what a screen reader announces. */
function drawingSvg(drawing: Drawing, label: string): string {
  const items = drawing.items.map((item) => {
    switch (item.shape) {
      case 'rect':
        return `<rect x="${num(item.x)}" y="${num(item.y)}" width="${num(item.width)}" height="${num(item.height)}" fill="${item.fill}"/>`;
      case 'line':
        return `<line x1="${num(item.x1)}" y1="${num(item.y1)}" x2="${num(item.x2)}" y2="${num(item.y2)}" stroke="${item.stroke}" stroke-width="${num(item.strokeWidth)}"/>`;
      case 'text':
        return `<text x="${num(item.x)}" y="${num(item.y)}" font-size="${num(item.size)}"${item.bold ? ' font-weight="bold"' : ''} text-anchor="${item.anchor}" fill="${item.fill}">${escapeHtml(item.text)}</text>`;
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${num(drawing.width)} ${num(drawing.height)}" role="img" aria-label="${escapeHtml(label)}"><title>${escapeHtml(label)}</title>${items.join('')}</svg>`;
}

function stylesheet(): string {
  const s = STYLE;
  const banners = Object.entries(s.banner)
    .map(([level, c]) => `.banner.${level}{background:${c.fill};border-left:4px solid ${c.border};color:${c.text}}`)
    .join('');
  return [
    `body{font-family:"DejaVu Sans","Noto Sans CJK SC","Noto Sans",Arial,sans-serif;font-size:${s.text.size}pt;line-height:1.4;color:${s.text.colour};max-width:50em;margin:2em auto;padding:0 1em}`,
    `h1,h2,h3{color:${s.headingColour}}h1{font-size:${s.heading[1]}pt;margin:.2em 0 .4em}h2{font-size:${s.heading[2]}pt;border-bottom:1px solid ${s.rule};margin:1.2em 0 .4em}h3{font-size:${s.heading[3]}pt;margin:.8em 0 .3em}`,
    `p{margin:.35em 0}.small{font-size:${s.text.small}pt;color:${s.text.muted}}`,
    `table{border-collapse:collapse;width:100%;margin:.4em 0}th,td{border:1px solid ${s.table.border};padding:${s.table.padding}pt;text-align:left;vertical-align:top}th{background:${s.table.headerFill}}`,
    `.banner{padding:.5em .8em;margin:.5em 0}${banners}`,
    `.figures{display:flex;gap:${s.figure.gap}pt;flex-wrap:wrap}figure{margin:0;flex:1 1 0;min-width:10em}figure img,figure svg{display:block;width:100%;height:auto;image-rendering:auto}figcaption{font-size:${s.figure.captionSize}pt;color:${s.text.muted}}`,
    `footer{font-size:${s.page.footerSize}pt;color:${s.text.muted};border-top:1px solid ${s.rule};margin-top:2em;padding-top:.5em}`,
  ].join('');
}
