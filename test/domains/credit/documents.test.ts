/**
 * The credit documents end to end (plugin → templates → HTML and PDF), read back as a reader would: pdftotext for
 * the words, pdffonts / pdfimages for the structure. The letters hold every Regulation B / GDPR element in both
 * profiles and locales; approved → no letter; escalated → no letter and status "escalated"; names are escaped;
 * the same case gives the same bytes; a letter missing an element is refused, naming it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { recordDigest } from '../../../src/audit/record.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCreditCase } from '../../../domains/credit/case.js';
import { factorChart } from '../../../domains/credit/chart.js';
import { DEFAULT_DOMAIN_FILE, loadCreditDomain } from '../../../domains/credit/config.js';
import type { CreditContext } from '../../../domains/credit/context.js';
import type { LetterView } from '../../../domains/credit/documents.js';
import { checkLetter, US_MAX_REASONS } from '../../../domains/credit/documents.js';
import { percentDigits } from '../../../src/report/percent.js';
import { plugin } from '../../../domains/credit/plugin.js';
import { caseIdOf, openCreditSession } from '../../../domains/credit/session.js';
import type { DomainSession } from '../../../src/domain/plugin.js';
import { reportCase } from '../../../src/domain/run.js';
import { loadModelCard, type TabularPreprocessing } from '../../../src/models/card.js';
import { packagePath } from '../../../src/paths.js';
import type { Messages } from '../../../src/report/templates.js';
import { availableLocales } from '../../../src/report/locales.js';
import { formatMessage, loadMessages } from '../../../src/report/templates.js';

const demo = (name: string) => packagePath('domains', 'credit', 'demo', name);
const REFUSED = demo('app-1001-refused.yaml');
const APPROVED = demo('app-1002-approved.yaml');
const NO_HINT = demo('app-1003-no-hint.yaml');
const ESCALATED = demo('app-1004-escalated.yaml');

const sessions = new Map<string, DomainSession>();
let dir: string;

/**
 * pdftotext breaks lines anywhere (also between Chinese characters), and joins a word broken after a hyphen at a
 * line end without its hyphen ("Re-\nscored" → "Rescored"): compare with white space and hyphens removed.
 */
const flat = (s: string) => s.replace(/[\s-]+/g, '');
// The pages' text above the running footer (A4, footer in the bottom 62 pt): a paragraph that goes on over a page
// break reads as one.
const pdfText = (file: string) => execFileSync('pdftotext', ['-x', '0', '-y', '0', '-W', '596', '-H', '779', file, '-'], { encoding: 'utf8' });
const pct = (value: number, digits: number, locale: string) =>
  `${(value * 100).toLocaleString(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false })}\u00a0%`;

async function report(caseFile: string, profile: string, locale = 'en', formats: ('pdf' | 'html')[] = ['pdf', 'html']) {
  const out = fs.mkdtempSync(path.join(dir, 'out-'));
  const r = await reportCase(sessions.get(profile)!, { file: caseFile }, { domain: 'credit', outDir: out, formats, locale });
  const file = (doc: string, ext: string) => r.files.find((f) => path.basename(f).includes(`.${doc}.`) && f.endsWith(`.${ext}`));
  return { ...r, out, context: r.outcome.summary as CreditContext, file };
}

function writeCase(name: string, edit: (c: Record<string, unknown>) => void): string {
  const body = YAML.parse(fs.readFileSync(REFUSED, 'utf8')) as Record<string, unknown>;
  edit(body);
  const file = path.join(dir, name);
  fs.writeFileSync(file, YAML.stringify(body));
  return file;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credit-documents-'));
  for (const profile of plugin.profiles) sessions.set(profile, await plugin.open({ profile }));
});
afterAll(async () => {
  for (const s of sessions.values()) await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(['us', 'eu'].flatMap((profile) => ['en', 'zh-CN'].map((locale) => [profile, locale] as const)))('refused applicant, %s letter (%s)', (profile, locale) => {
  const m = loadMessages('credit', locale);
  const t = (key: string, values: Record<string, unknown> = {}) => formatMessage(m, key, values);
  let r: Awaited<ReturnType<typeof report>>;
  let letter: string;
  let officer: string;
  beforeAll(async () => {
    r = await report(REFUSED, profile, locale);
    letter = flat(pdfText(r.file('adverse-action-letter', 'pdf')!));
    officer = flat(pdfText(r.file('officer-report', 'pdf')!));
  }, 60_000);

  it('writes the letter and the officer report, PDF and HTML', () => {
    const suffix = locale === 'en' ? '' : `.${locale}`;
    expect(r.files.map((f) => path.basename(f))).toEqual(['adverse-action-letter', 'officer-report'].flatMap((d) => ['pdf', 'html'].map((e) => `APP-1001.${d}${suffix}.${e}`)));
    expect(r.outcome.status).toBe('reported');
    expect(r.outcome.notes).toEqual([]);
    expect(r.outcome.decisionTime.toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect(r.context.decision.outcome).toBe('refused');
    expect(r.context.profile.id).toBe(profile);
  });

  it('the letter holds every required element', () => {
    const c = r.context;
    const has = (element: string, text: string) => expect(letter, element).toContain(flat(text));
    // The date, the creditor's name and address.
    has('date', t('date', { year: 2026, month_name: t('month.11'), day: 20 }));
    has('creditor name', c.lender.name);
    has('creditor address', c.lender.address);
    // Each profile's creditor: the EU letter names the lender's EU entity (BaFin, its supervisor, is German), not the US one.
    expect(c.lender.address).toMatch(profile === 'eu' ? /Germany$/ : /^100 Main Street/);
    has('applicant', 'Jordan Example');
    // The action taken.
    has('action taken', t(`letter_${profile}.action`));
    // The principal reasons: at most 4 (US), each a statement of this applicant's adverse attribute, in this locale.
    expect(c.reasons.length).toBeGreaterThan(0);
    expect(c.reasons.length).toBeLessThanOrEqual(US_MAX_REASONS);
    has('reasons heading', t(`letter_${profile}.reasons_title`));
    for (const reason of c.reasons) {
      expect(reason.relevance).toBeGreaterThan(0);
      has(`reason ${reason.rank}`, t(`statement.${reason.statement_code}`));
    }
    // Hints: each with its re-scored probability, below the threshold, and "not a guarantee".
    expect(c.hints.status).toBe('found');
    for (const hint of c.hints.hints) {
      expect(hint.probability).toBeLessThan(c.decision.threshold);
      has('re-scored probability', t('hints.rescored', { probability: pct(hint.probability, 1, locale) }));
      for (const change of hint.changes) has('hint action', t(`action.${change.attribute}`));
    }
    has('not a guarantee', t('hints.disclaimer'));
    if (locale === 'en') expect(letter).toContain(flat('not a guarantee'));
    if (profile === 'us') {
      // The ECOA notice of 12 CFR 1002.9(b)(1), naming the federal agency and its address.
      has('ECOA notice', t('letter_us.ecoa_notice', { agency_name: c.profile.agency.name, agency_address: c.profile.agency.address }));
      if (locale === 'en') has('ECOA notice (English)', 'The Federal Equal Credit Opportunity Act prohibits creditors from discriminating against credit applicants');
      expect(c.profile.agency.name).toBe('Federal Trade Commission');
    } else {
      // GDPR Art. 22(3): human intervention, point of view, contest, and the route; the procedure; the supervisor.
      for (const key of ['right_human', 'right_view', 'right_contest', 'right_access']) has(key, t(`letter_eu.${key}`));
      has('rights route', t('letter_eu.rights_route', { creditor: c.lender.name, address: c.lender.address, case_id: 'APP-1001' }));
      has('procedure', t('letter_eu.procedure', { probability: pct(c.decision.probability, 1, locale), threshold: pct(c.decision.threshold, 1, locale) }));
      has('supervisor', t('letter_eu.supervisor', { agency_name: c.profile.agency.name, agency_address: c.profile.agency.address }));
      has('legal basis', t('letter_eu.legal_basis', { law: c.profile.law }));
    }
    // The internal numbers stay in the officer report, not in the US letter.
    if (profile === 'us') expect(letter).not.toContain(c.model.sha256);
  });

  it('the officer report holds decision, top-5 factors, chart, reasons, hints, explanation and model', () => {
    const c = r.context;
    const has = (element: string, text: string) => expect(officer, element).toContain(flat(text));
    has('title', t('officer.title'));
    has('probability', pct(c.decision.probability, 2, locale));
    has('threshold', pct(c.decision.threshold, 2, locale));
    expect(c.factors).toHaveLength(5);
    for (const f of c.factors) {
      has(`factor ${f.rank} label`, t(`attribute.${f.attribute}`));
      has(`factor ${f.rank} statement`, t(`statement.${f.statement_code}`));
      has(`factor ${f.rank} relevance`, `${f.relevance > 0 ? '+' : '\u2212'}${Math.abs(f.relevance).toFixed(3)}`);
    }
    for (const reason of c.reasons) has(`reason ${reason.rank}`, t(`statement.${reason.statement_code}`));
    has('disclaimer', t('hints.disclaimer'));
    has('composite', c.explanation.composite);
    has('params', 'epsilon = 0.01');
    has('residual', c.explanation.conservation_residual.toLocaleString(locale, { minimumFractionDigits: 4, maximumFractionDigits: 4, useGrouping: false }));
    has('model', `${c.model.name} ${c.model.version}`);
    has('sha256', c.model.sha256);
    // The chart is drawn, not pasted: no image in the PDF, its direction marks and values are text; inline SVG in the HTML.
    const images = execFileSync('pdfimages', ['-list', r.file('officer-report', 'pdf')!], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(images).toHaveLength(0);
    has('chart marks', '\u2212 \u2190');
    has('chart marks', '\u2192 +');
    const html = fs.readFileSync(r.file('officer-report', 'html')!, 'utf8');
    expect(html).not.toContain('data:image/png');
    expect(html.match(/<svg [^>]*role="img" aria-label="([^"]*)"/g)).toEqual([`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 282" role="img" aria-label="${t('officer.chart_alt')}"`]);
    for (const f of c.factors) expect(html).toContain(`>${f.relevance > 0 ? '+' : '\u2212'}${Math.abs(f.relevance).toFixed(3)}</text>`);
  });

  it('embeds every font', () => {
    for (const doc of ['adverse-action-letter', 'officer-report']) {
      const fonts = execFileSync('pdffonts', [r.file(doc, 'pdf')!], { encoding: 'utf8' }).trim().split('\n').slice(2);
      expect(fonts.length).toBeGreaterThanOrEqual(1);
      for (const line of fonts) expect(line).toMatch(/\s+yes\s+yes\s+yes\s+\d+\s+\d+$/);
      if (locale === 'zh-CN') expect(fonts.join('\n')).toMatch(/NotoSansCJKsc/);
    }
    const html = fs.readFileSync(r.file('adverse-action-letter', 'html')!, 'utf8');
    expect(html).toContain(`<html lang="${locale}">`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});

describe('credit documents: who gets a letter', () => {
  it('a session opened for one locale reports in it, and one opened for a locale the domain lacks is refused', async () => {
    const english = await plugin.open({ profile: 'us', locales: ['en'] });
    try {
      const r = await reportCase(english, { file: REFUSED }, { domain: 'credit', outDir: fs.mkdtempSync(path.join(dir, 'en-')), formats: ['pdf'], locale: 'en' });
      expect(r.outcome.documents.map((d) => d.name)).toContain('adverse-action-letter');
    } finally {
      await english.close();
    }
    await expect(plugin.open({ profile: 'us', locales: ['xx'] })).rejects.toThrow(/--locale: "xx" is not available for credit/);
  }, 60_000);

  it('an officer report rendered without the letter says the letter is due, not that it was produced', async () => {
    const m = loadMessages('credit', 'en');
    const officerOnly = await plugin.open({ profile: 'us', documents: ['officer-report'], locales: ['en'] });
    try {
      const r = await reportCase(officerOnly, { file: REFUSED }, { domain: 'credit', outDir: fs.mkdtempSync(path.join(dir, 'officer-')), formats: ['pdf'], locale: 'en' });
      expect(r.outcome.documents.map((d) => d.name)).toEqual(['officer-report']);
      const text = flat(pdfText(r.files[0]));
      expect(text).toContain(flat(formatMessage(m, 'officer.refused_letter_not_rendered', { profile: 'us' })));
      expect(text).not.toContain(flat(formatMessage(m, 'officer.refused_letter', { profile: 'us' })));
    } finally {
      await officerOnly.close();
    }
    const both = await report(REFUSED, 'us', 'en', ['pdf']);
    expect(flat(pdfText(both.file('officer-report', 'pdf')!))).toContain(flat(formatMessage(m, 'officer.refused_letter', { profile: 'us' })));
  }, 60_000);

  it('an approved applicant gets the officer report only', async () => {
    for (const profile of ['us', 'eu']) {
      const r = await report(APPROVED, profile, 'en');
      expect(r.context.decision.outcome).toBe('approved');
      expect(r.outcome.status).toBe('reported');
      expect(r.outcome.documents.map((d) => d.name)).toEqual(['officer-report']);
      expect(fs.readdirSync(r.out).sort()).toEqual(['APP-1002.officer-report.html', 'APP-1002.officer-report.pdf']);
      expect(flat(pdfText(r.file('officer-report', 'pdf')!))).toContain(flat(formatMessage(loadMessages('credit', 'en'), 'officer.approved_no_letter', {})));
    }
  }, 60_000);

  it('an escalated case gets no letter, status "escalated", a note, and the report says why', async () => {
    for (const [profile, locale] of [['us', 'en'], ['eu', 'zh-CN']] as const) {
      const r = await report(ESCALATED, profile, locale);
      expect(r.outcome.status).toBe('escalated');
      expect(r.context.escalation?.code).toBe('proxy-reason');
      expect(r.context.letter.status).toBe('blocked');
      expect(r.outcome.documents.map((d) => d.name)).toEqual(['officer-report']);
      expect(r.files.some((f) => f.includes('adverse-action-letter'))).toBe(false);
      expect(r.outcome.notes).toHaveLength(1);
      expect(r.outcome.notes[0]).toMatch(/^escalated for human review \(proxy-reason\): .*people_liable_maintenance/);
      const m = loadMessages('credit', locale);
      const text = flat(pdfText(r.file('officer-report', 'pdf')!));
      for (const key of ['officer.escalated_title', 'escalation.proxy-reason', 'officer.escalated_no_letter', 'attribute.people_liable_maintenance', 'basis.people_liable_maintenance']) {
        expect(text, key).toContain(flat(formatMessage(m, key, {})));
      }
    }
  }, 60_000);

  it('a refusal with no feasible hint says so in the letter', async () => {
    const r = await report(NO_HINT, 'us', 'en', ['pdf']);
    expect(r.context.decision.outcome).toBe('refused');
    expect(r.context.hints.status).toBe('none-feasible');
    expect(flat(pdfText(r.file('adverse-action-letter', 'pdf')!))).toContain(flat(formatMessage(loadMessages('credit', 'en'), 'hints.none_feasible', {})));
  }, 60_000);

  it('a hint just under the limit is printed under it: as many decimals as it takes (12.55 % against 12.56 %, not 12.6 % against 12.6 %)', async () => {
    expect(percentDigits([0.12553], 0.125557, 1)).toBe(2);
    expect(percentDigits([0.1, 0.11], 0.125557, 1)).toBe(1);
    expect(percentDigits([0.12553], 0.125557, 2)).toBe(2);
    expect(percentDigits([0.1255569], 0.125557, 1)).toBe(4); // at most 4
    // German Credit row 870: a hint re-scores to 12.551 % against a limit of 12.5557 %.
    const r = await reportGermanCreditRow(870);
    const context = r.outcome.summary as CreditContext;
    expect(context.hints.hints.length).toBeGreaterThan(0);
    const text = pdfText(r.files.find((f) => f.includes('adverse-action-letter'))!).replace(/\s+/g, ' ');
    const limit = Number(/approval limit of ([\d.]+)/.exec(text)![1]);
    const estimates = [...text.matchAll(/Re-scored estimate: ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(estimates).toHaveLength(context.hints.hints.length);
    for (const e of estimates) expect(e).toBeLessThan(limit);
  }, 60_000);

  it('the officer report names an adverse attribute that was not stated as a reason, and why; the letter does not', async () => {
    // Row 10 of German Credit: "No other installment plans" ranks among its adverse attributes (the lender ranks it best).
    const r = await reportGermanCreditRow(10);
    const context = r.outcome.summary as CreditContext;
    expect(context.reasons_not_stated).toContainEqual({ attribute: 'other_installment_plans', statement_code: 'other_installment_plans=none', why: 'best-ranked' });
    const m = loadMessages('credit', 'en');
    const officer = pdfText(r.files.find((f) => f.includes('officer-report'))!).replace(/\s+/g, ' ');
    expect(officer).toContain(`${formatMessage(m, 'officer.reasons_not_stated', {})}`.replace(/\s+/g, ' ').trim());
    expect(officer).toContain(`No other installment plans${formatMessage(m, 'officer.not_stated.best-ranked', {})}`.replace(/\s+/g, ' '));
    const letter = pdfText(r.files.find((f) => f.includes('adverse-action-letter'))!);
    expect(letter).not.toContain('No other installment plans');
  }, 60_000);
});

/** The US letter and officer report (PDF, en) of line `line` of the German Credit CSV (its header is line 1). */
async function reportGermanCreditRow(line: number) {
  const [header, , ...rows] = fs.readFileSync(packagePath('models', 'credit', 'data', 'german_credit_tidy.csv'), 'utf8').split('\n');
  const book = path.join(dir, `row${line}.csv`);
  fs.writeFileSync(book, `id,date,${header}\nA${String(line).padStart(4, '0')},2026-11-20,${rows[line - 2]}\n`);
  const out = fs.mkdtempSync(path.join(dir, 'out-'));
  return reportCase(sessions.get('us')!, { file: book, row: 1 }, { domain: 'credit', outDir: out, formats: ['pdf'], locale: 'en' });
}

describe('credit documents: names, ids and dates', () => {
  it('escapes HTML-ish names in HTML and prints them as text in the PDF', async () => {
    const name = '<script>alert("x")</script> & <b>Ann</b>';
    const file = writeCase('html-name.yaml', (c) => {
      c.id = 'HTML-NAME';
      c.applicant = { name, address: '<img src=x onerror=alert(1)> Street 1' };
    });
    for (const locale of ['en', 'zh-CN']) {
      const r = await report(file, 'us', locale);
      for (const doc of ['adverse-action-letter', 'officer-report']) {
        const html = fs.readFileSync(r.file(doc, 'html')!, 'utf8');
        expect(html).not.toMatch(/<script|<b>Ann|<img src=x/i);
        expect(html).toContain('&lt;script&gt;');
        expect(flat(pdfText(r.file(doc, 'pdf')!))).toContain(flat(name));
      }
      expect(flat(pdfText(r.file('adverse-action-letter', 'pdf')!))).toContain(flat('<img src=x onerror=alert(1)> Street 1'));
    }
  }, 60_000);

  it('prints very long names and addresses in full', async () => {
    const name = `${'Maximiliane-Konstanze '.repeat(8)}${'W'.repeat(200 - 8 * 22)}`;
    const address = `${'Long Street 1, '.repeat(30)}${'Z'.repeat(50)}`;
    expect(name).toHaveLength(200);
    const file = writeCase('long-name.yaml', (c) => {
      c.id = 'LONG-NAME';
      c.applicant = { name, address };
    });
    const r = await report(file, 'eu', 'en');
    const letter = flat(pdfText(r.file('adverse-action-letter', 'pdf')!));
    expect(letter).toContain(flat(name));
    expect(letter).toContain(flat(address));
  }, 60_000);

  it('the same case twice gives the same decision, relevance digest, record digest and byte-identical PDFs and HTML', async () => {
    const a = await report(REFUSED, 'us', 'en');
    const b = await report(REFUSED, 'us', 'en');
    expect(b.record.output).toEqual(a.record.output);
    expect(b.record.explanation.relevance_sha256).toBe(a.record.explanation.relevance_sha256);
    expect(recordDigest(b.record)).toBe(recordDigest(a.record));
    expect(a.files.map((f) => path.basename(f))).toEqual(b.files.map((f) => path.basename(f)));
    for (let i = 0; i < a.files.length; i++) expect(Buffer.compare(fs.readFileSync(a.files[i]), fs.readFileSync(b.files[i])), a.files[i]).toBe(0);
  }, 60_000);

  it('takes the case id from the case or the file name, and refuses ids that would escape the folder', () => {
    const attributes = { purpose: 'car (new)' };
    expect(caseIdOf({ id: 'A-1.b_2', attributes }, 'x.yaml')).toBe('A-1.b_2');
    expect(caseIdOf({ attributes }, '/tmp/APP-9.yaml')).toBe('APP-9');
    expect(() => caseIdOf({ id: '../escape', attributes }, 'bad.yaml')).toThrow(/bad\.yaml: id: "\.\.\/escape" must be 1–100 letters, digits/);
    expect(() => caseIdOf({ id: 'a/b', attributes }, 'bad.yaml')).toThrow(/id:/);
    expect(() => caseIdOf({ attributes }, '/tmp/my case.yaml')).toThrow(/has no id/);
  });

  it('a case without a date is dated today, with a note', async () => {
    const file = writeCase('APP-NODATE.yaml', (c) => {
      delete c.date;
      delete c.id;
    });
    const session = await openCreditSession({ profile: 'us', today: () => new Date('2027-03-04T15:00:00Z') });
    try {
      const outcome = await session.assessCase({ file });
      expect(outcome.caseId).toBe('APP-NODATE');
      expect(outcome.decisionTime.toISOString()).toBe('2027-03-04T00:00:00.000Z');
      expect(outcome.notes).toEqual(['the case has no date: documents dated 2027-03-04 (add date: for reproducible documents)']);
    } finally {
      await session.close();
    }
  }, 60_000);
});

describe('letter validation', () => {
  let view: LetterView;
  let words: Map<string, Messages>;
  beforeAll(async () => {
    const outcome = await sessions.get('us')!.assessCase({ file: REFUSED });
    view = outcome.documents.find((d) => d.name === 'adverse-action-letter')!.context as LetterView;
    words = new Map(availableLocales('credit').map((l) => [l, loadMessages('credit', l)]));
  });
  const without = (locale: string, key: string) => new Map([...words].map(([l, m]) => [l, l === locale ? new Map([...m].filter(([k]) => k !== key)) : m]));

  it('accepts the complete letter of both profiles', () => {
    expect(() => checkLetter(view, words, 'case.yaml')).not.toThrow();
    expect(() => checkLetter({ ...view, jurisdiction: 'eu' }, words, 'case.yaml')).not.toThrow();
  });

  it.each([
    ['creditor name', (v: LetterView) => ({ ...v, creditor: { ...v.creditor, name: '' } }), /case\.yaml: the US adverse-action letter lacks the creditor's name/],
    ['creditor address', (v: LetterView) => ({ ...v, creditor: { ...v.creditor, address: '  ' } }), /lacks the creditor's address \(lender\.address/],
    ['agency name', (v: LetterView) => ({ ...v, agency: { ...v.agency, name: '' } }), /lacks the name of the federal agency that administers compliance/],
    ['agency address', (v: LetterView) => ({ ...v, agency: { ...v.agency, address: '' } }), /lacks the address of the federal agency/],
    ['reasons', (v: LetterView) => ({ ...v, reasons: [] }), /lacks the principal reasons \(none: a refusal without one is escalated, not sent a letter\)/],
    ['limit of 4 reasons', (v: LetterView) => ({ ...v, reasons: [...v.reasons, { ...v.reasons[0], rank: 5 }] }), /lacks at most 4 principal reasons \(5 reasons\)/],
    ['date', (v: LetterView) => ({ ...v, date: { ...v.date, iso: 'someday' } }), /lacks the date/],
    ['action', (v: LetterView) => ({ ...v, action: 'approved' as 'declined' }), /lacks the action taken/],
    ['EU supervisor', (v: LetterView) => ({ ...v, jurisdiction: 'eu', agency: { ...v.agency, address: '' } }), /the EU adverse-action letter lacks the address of the supervisory authority/],
  ])('refuses a letter without the %s', (_, edit, pattern) => {
    expect(() => checkLetter(edit(view), words, 'case.yaml')).toThrow(pattern);
  });

  it.each([
    ['us', 'letter_us.ecoa_notice', /lacks the ECOA notice \(12 CFR 1002\.9\(b\)\(1\)\) \(no wording "letter_us\.ecoa_notice" in the zh-CN locale\)/],
    ['us', 'letter_us.action', /lacks the action taken/],
    ['eu', 'letter_eu.right_human', /lacks the right to human intervention \(GDPR Art\. 22\(3\)\)/],
    ['eu', 'letter_eu.right_contest', /lacks the right to contest the decision/],
    ['eu', 'letter_eu.rights_route', /lacks how to exercise these rights/],
    ['us', 'hints.disclaimer', /lacks "not a guarantee" with the improvement hints/],
  ])('refuses a %s letter whose words lack %s', (jurisdiction, key, pattern) => {
    expect(() => checkLetter({ ...view, jurisdiction }, without('zh-CN', key), 'case.yaml')).toThrow(pattern);
  });

  it('refuses a reason without wording, and an ECOA notice that does not name the agency', () => {
    const code = view.reasons[0].statement_key;
    expect(() => checkLetter(view, without('zh-CN', code), 'case.yaml')).toThrow(new RegExp(`lacks principal reason 1 \\(no wording "${code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" in the zh-CN locale\\)`));
    const en = new Map(words.get('en')!);
    en.set('letter_us.ecoa_notice', 'The Federal Equal Credit Opportunity Act prohibits discrimination.');
    expect(() => checkLetter(view, new Map([...words, ['en', en]]), 'case.yaml')).toThrow(/lacks the ECOA notice .*does not state \{agency_name\}/);
  });

  it('a lender that used a consumer report sends the FCRA disclosure with the agency and the score; one that did not, none', async () => {
    const m = loadMessages('credit', 'en');
    const without = await report(REFUSED, 'us', 'en', ['pdf']);
    const letterText = flat(pdfText(without.file('adverse-action-letter', 'pdf')!));
    expect(letterText).not.toContain(flat(formatMessage(m, 'letter_us.fcra_title', {})));
    // The reasons say what they were ranked against: the approved applicants nearest the cut-off, here.
    expect(without.context.explanation.reference?.method).toBe('near-cutoff');
    expect(letterText).toContain(flat(formatMessage(m, 'letter_us.reasons_note.near-cutoff', {})));
    const profiles = loadCreditDomain().config.profiles;
    const agency = { name: 'Example Consumer Reporting Agency', address: '1 Bureau Road, Springfield, XX 00001', phone: '1-800-555-0100' };
    const variant = path.join(dir, 'bureau.yaml');
    fs.writeFileSync(variant, `extends: ${JSON.stringify(DEFAULT_DOMAIN_FILE)}\nprofiles: ${JSON.stringify({ ...profiles, us: { ...profiles.us, consumer_report: { used: true, agency } } })}\n`);
    const session = await openCreditSession({ profile: 'us', domainFile: variant });
    try {
      const out = fs.mkdtempSync(path.join(dir, 'bureau-'));
      const r = await reportCase(session, { file: REFUSED }, { domain: 'credit', outDir: out, formats: ['pdf'], locale: 'en' });
      const context = r.outcome.summary as CreditContext;
      const text = flat(pdfText(r.files.find((f) => f.includes('adverse-action-letter'))!));
      expect(text).toContain(flat(formatMessage(m, 'letter_us.fcra_notice', { agency_name: agency.name, agency_address: agency.address, agency_phone: agency.phone })));
      expect(text).toContain(flat(`The credit score we used: an estimated risk of ${pct(context.decision.probability, 1, 'en')}`));
    } finally {
      await session.close();
    }
    // A US profile must say whether it used one; with one, name the agency.
    const { us: _, ...others } = profiles;
    const silent = path.join(dir, 'silent.yaml');
    fs.writeFileSync(silent, `extends: ${JSON.stringify(DEFAULT_DOMAIN_FILE)}\nprofiles: ${JSON.stringify({ ...others, us: { ...profiles.us, consumer_report: undefined } })}\n`);
    expect(() => loadCreditDomain(silent)).toThrow(/silent\.yaml: profiles\.us\.consumer_report: a US profile states whether a consumer report was used/);
    const nameless = path.join(dir, 'nameless.yaml');
    fs.writeFileSync(nameless, `extends: ${JSON.stringify(DEFAULT_DOMAIN_FILE)}\nprofiles: ${JSON.stringify({ ...profiles, us: { ...profiles.us, consumer_report: { used: true } } })}\n`);
    expect(() => loadCreditDomain(nameless)).toThrow(/profiles\.us\.consumer_report\.agency: a consumer report was used; the letter must name the agency/);
  }, 60_000);

  it('the plugin refuses to produce a letter with a blank creditor address, and nothing is written', async () => {
    const variant = path.join(dir, 'blank-lender.yaml');
    fs.writeFileSync(variant, `extends: ${JSON.stringify(DEFAULT_DOMAIN_FILE)}\nlender: { name: Example Lender, address: " " }\n`);
    const session = await openCreditSession({ profile: 'us', domainFile: variant });
    try {
      const out = path.join(dir, 'refused-letter');
      await expect(reportCase(session, { file: REFUSED }, { domain: 'credit', outDir: out, formats: ['pdf', 'html'], locale: 'en' })).rejects.toThrow(
        /app-1001-refused\.yaml: the US adverse-action letter lacks the creditor's address \(lender\.address in the domain configuration\); no letter produced/,
      );
      expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
      // An approved applicant needs no letter: the officer report is still produced.
      const approved = await reportCase(session, { file: APPROVED }, { domain: 'credit', outDir: out, formats: ['pdf'], locale: 'en' });
      expect(approved.files.map((f) => path.basename(f))).toEqual(['APP-1002.officer-report.pdf']);
    } finally {
      await session.close();
    }
  }, 60_000);
});

describe('credit locale words', () => {
  it('English statements, labels, levels, actions, bases and phrases equal the configuration; every locale covers every code', () => {
    const { config } = loadCreditDomain();
    const { card } = loadModelCard(packagePath('models', 'credit', 'card.yaml'));
    const pre = card.preprocessing as TabularPreprocessing;
    const en = loadMessages('credit', 'en');
    const expected = new Map<string, string>();
    for (const f of pre.features) {
      const a = config.attributes[f.name];
      expected.set(`attribute.${f.name}`, a.label);
      if (a.unit) expected.set(`unit.${a.unit}`, a.unit);
      if (a.action) expected.set(`action.${f.name}`, a.action.text);
      if (f.type === 'numeric') {
        expected.set(`statement.${f.name}.high`, a.reason.high!);
        expected.set(`statement.${f.name}.low`, a.reason.low!);
      } else {
        for (const level of f.levels) {
          expected.set(`statement.${f.name}=${level}`, a.reason.levels?.[level] ?? a.reason.default!.replaceAll('{value}', a.level_text?.[level] ?? level));
          expected.set(`level.${f.name}=${level}`, a.level_text?.[level] ?? level);
        }
      }
    }
    for (const b of [...config.prohibited, ...config.proxies]) expected.set(`basis.${b.attribute}`, b.basis);
    expected.set('effect.adverse', config.factor_phrases.adverse);
    expected.set('effect.favorable', config.factor_phrases.favorable);
    expected.set('hints.disclaimer', config.hints.disclaimer);
    for (const [key, text] of expected) expect(en.get(key), key).toBe(text);
    for (const locale of availableLocales('credit')) {
      const m = loadMessages('credit', locale);
      for (const key of expected.keys()) expect(m.get(key)?.trim(), `${locale}: ${key}`).toBeTruthy();
    }
  });

  it('the factor chart carries no words: ranks and signed values only, bars from the axis by sign', () => {
    const chart = factorChart([{ rank: 1, relevance: 0.5 }, { rank: 2, relevance: -0.25 }]);
    const texts = chart.items.flatMap((item) => (item.shape === 'text' ? [item.text] : []));
    expect(texts).toEqual(['\u2212 \u2190', '\u2192 +', '1', '+0.500', '2', '\u22120.250']);
    const axis = chart.items.at(-1)!;
    const bars = chart.items.filter((item) => item.shape === 'rect').slice(1);
    expect(axis.shape === 'line' && bars.every((b) => b.shape === 'rect')).toBe(true);
    if (axis.shape !== 'line' || bars[0].shape !== 'rect' || bars[1].shape !== 'rect') return;
    // The adverse bar starts at the axis and goes right; the favourable one ends at the axis, half as long.
    expect(bars[0].x).toBe(axis.x1);
    expect(bars[1].x + bars[1].width).toBeCloseTo(axis.x1, 9);
    expect(bars[1].width).toBeCloseTo(bars[0].width / 2, 9);
  });
});

// The case files of the demo are real German Credit rows: check that they still give the outcomes they name.
describe('credit demo cases', () => {
  it.each([
    [REFUSED, 'refused', 'found', null],
    [APPROVED, 'approved', 'not-applicable', null],
    [NO_HINT, 'refused', 'none-feasible', null],
    [ESCALATED, 'refused', 'found', 'proxy-reason'],
  ])('%s', async (file, outcome, hints, escalation) => {
    const outcome0 = await sessions.get('eu')!.assessCase({ file });
    const c = outcome0.summary as CreditContext;
    expect(readCreditCase(file).date).toBe('2026-11-20');
    expect(c.decision.outcome).toBe(outcome);
    expect(c.hints.status).toBe(hints);
    expect(c.escalation?.code ?? null).toBe(escalation);
  });
});
