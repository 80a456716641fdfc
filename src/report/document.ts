/**
 * The document model both renderers read. A Handlebars template renders to a small, fixed subset of HTML
 * (the elements below); this module parses it (htmlparser2) into blocks. The HTML renderer serializes the blocks
 * back with a stylesheet, the PDF renderer draws them with pdfkit: one template, two renderers, and an element
 * only one of them could draw is refused here, when the template is rendered, not discovered in a PDF later.
 */
import { parseDocument } from 'htmlparser2';
import { isTag, isText, type ChildNode, type Element, type Text } from 'domhandler';
import { fail } from '../errors.js';

export interface Run {
  readonly text: string;
  readonly bold?: boolean;
  readonly italic?: boolean;
}

export type Inline = readonly Run[];

export type BannerLevel = 'critical' | 'warning' | 'info';

export interface Figure {
  /** Name of an asset the caller supplies (`<img src="asset:NAME">`): templates never carry pixels. */
  readonly asset: string;
  readonly alt: string;
  readonly caption: Inline;
}

export type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3; readonly content: Inline }
  | { readonly kind: 'paragraph'; readonly content: Inline; readonly small: boolean }
  | { readonly kind: 'banner'; readonly level: BannerLevel; readonly content: Inline }
  | { readonly kind: 'list'; readonly items: readonly Inline[] }
  | { readonly kind: 'table'; readonly header: readonly Inline[] | null; readonly rows: readonly (readonly Inline[])[] }
  | { readonly kind: 'figures'; readonly figures: readonly Figure[] };

export interface ReportDocument {
  readonly lang: string;
  readonly title: string;
  /** Running footer: every PDF page, the end of the HTML page. */
  readonly footer: string;
  readonly blocks: readonly Block[];
}

const INLINE_TAGS = new Set(['strong', 'b', 'em', 'i', 'span', 'br']);
const BANNER_LEVELS: readonly BannerLevel[] = ['critical', 'warning', 'info'];

/** Parse rendered template markup: one `<article lang title>` holding `<section>`s of blocks and one `<footer>`. */
export function parseReportDocument(markup: string, source: string): ReportDocument {
  const root = parseDocument(markup, { decodeEntities: true, lowerCaseTags: true }).children.filter(isElementOrText).filter((n) => !isBlank(n));
  if (root.length !== 1 || !isTag(root[0]) || root[0].name !== 'article') fail(`${source}: a report template must render exactly one <article> element`);
  const article = root[0];
  const lang = attribute(article, 'lang', source);
  const title = attribute(article, 'title', source);
  const blocks: Block[] = [];
  let footer = '';
  for (const child of elementChildren(article, source)) {
    if (child.name === 'footer') footer = plainText(inline(child, source));
    else if (child.name === 'section') for (const block of elementChildren(child, source)) blocks.push(parseBlock(block, source));
    else blocks.push(parseBlock(child, source));
  }
  return { lang, title, footer, blocks };
}

export function plainText(content: Inline): string {
  return content.map((r) => r.text).join('');
}

function parseBlock(node: Element, source: string): Block {
  switch (node.name) {
    case 'h1':
    case 'h2':
    case 'h3':
      return { kind: 'heading', level: Number(node.name[1]) as 1 | 2 | 3, content: inline(node, source) };
    case 'p':
      return { kind: 'paragraph', content: inline(node, source), small: hasClass(node, 'small') };
    case 'aside': {
      const level = BANNER_LEVELS.find((l) => hasClass(node, l));
      if (!level) fail(`${source}: <aside> needs a class of ${BANNER_LEVELS.join(', ')}`);
      return { kind: 'banner', level, content: inline(node, source) };
    }
    case 'ul':
      return { kind: 'list', items: elementChildren(node, source).map((li) => (expectTag(li, 'li', source), inline(li, source))) };
    case 'table':
      return parseTable(node, source);
    case 'div':
      if (!hasClass(node, 'figures')) fail(`${source}: <div> is only allowed as <div class="figures">`);
      return { kind: 'figures', figures: elementChildren(node, source).map((f) => parseFigure(f, source)) };
    default:
      fail(`${source}: <${node.name}> is not part of the report document model (headings, p, aside, ul, table, div.figures)`);
  }
}

function parseTable(node: Element, source: string): Block {
  let header: Inline[] | null = null;
  const rows: Inline[][] = [];
  const rowsOf = (parent: Element): Element[] => elementChildren(parent, source).flatMap((c) => (c.name === 'thead' || c.name === 'tbody' ? elementChildren(c, source) : [c]));
  for (const tr of rowsOf(node)) {
    expectTag(tr, 'tr', source);
    const cells = elementChildren(tr, source);
    const isHeader = cells.length > 0 && cells.every((c) => c.name === 'th');
    const content = cells.map((c) => {
      if (c.name !== 'td' && c.name !== 'th') fail(`${source}: <tr> may hold only <th> and <td>, not <${c.name}>`);
      return inline(c, source);
    });
    if (isHeader && header === null && rows.length === 0) header = content;
    else rows.push(content);
  }
  const width = header?.length ?? rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== width)) fail(`${source}: every table row needs ${width} cells`);
  return { kind: 'table', header, rows };
}

function parseFigure(node: Element, source: string): Figure {
  expectTag(node, 'figure', source);
  const [img, caption] = elementChildren(node, source);
  if (!img || img.name !== 'img') fail(`${source}: a <figure> starts with an <img>`);
  const src = attribute(img, 'src', source);
  if (!src.startsWith('asset:')) fail(`${source}: <img src> must name an asset ("asset:NAME"), got "${src}"`);
  return { asset: src.slice('asset:'.length), alt: attribute(img, 'alt', source), caption: caption ? (expectTag(caption, 'figcaption', source), inline(caption, source)) : [] };
}

/** Inline content: text, strong/em, br; whitespace collapsed as a browser would. */
function inline(node: Element, source: string): Inline {
  const runs: Run[] = [];
  const walk = (n: ChildNode, bold: boolean, italic: boolean): void => {
    if (isText(n)) {
      // HTML collapses ASCII whitespace only: a no-break space (between a number and its unit) stays.
      const text = n.data.replace(/[ \t\n\f\r]+/g, ' ');
      if (text) runs.push({ text, ...(bold ? { bold } : {}), ...(italic ? { italic } : {}) });
    } else if (isTag(n)) {
      if (!INLINE_TAGS.has(n.name)) fail(`${source}: <${n.name}> inside <${node.name}> is not inline content`);
      if (n.name === 'br') runs.push({ text: '\n' });
      const b = bold || n.name === 'strong' || n.name === 'b';
      const i = italic || n.name === 'em' || n.name === 'i';
      for (const c of n.children) walk(c, b, i);
    }
  };
  for (const c of node.children) walk(c, false, false);
  return trimRuns(mergeRuns(runs));
}

function mergeRuns(runs: Run[]): Run[] {
  const out: Run[] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (last && !!last.bold === !!r.bold && !!last.italic === !!r.italic) out[out.length - 1] = { ...last, text: last.text + r.text };
    else out.push(r);
  }
  return out;
}

function trimRuns(runs: Run[]): Run[] {
  const out = runs.map((r) => ({ ...r, text: r.text.replace(/ ?\n ?/g, '\n') }));
  if (out.length > 0) out[0] = { ...out[0], text: out[0].text.trimStart() };
  if (out.length > 0) out[out.length - 1] = { ...out[out.length - 1], text: out[out.length - 1].text.trimEnd() };
  return out.filter((r) => r.text.length > 0);
}

function elementChildren(node: Element, source: string): Element[] {
  return node.children.filter(isElementOrText).filter((n) => !isBlank(n)).map((n) => {
    if (!isTag(n)) fail(`${source}: text directly inside <${node.name}> must be wrapped in a block element ("${n.data.trim().slice(0, 40)}")`);
    return n;
  });
}

function isElementOrText(n: ChildNode): n is Element | Text {
  return isTag(n) || isText(n);
}

function isBlank(n: ChildNode): boolean {
  return isText(n) && n.data.trim() === '';
}

function expectTag(node: Element, name: string, source: string): void {
  if (node.name !== name) fail(`${source}: expected <${name}>, found <${node.name}>`);
}

function attribute(node: Element, name: string, source: string): string {
  const value = node.attribs[name];
  if (value === undefined || value.trim() === '') fail(`${source}: <${node.name}> needs a ${name}="…" attribute`);
  return value;
}

function hasClass(node: Element, name: string): boolean {
  return (node.attribs.class ?? '').split(/\s+/).includes(name);
}
