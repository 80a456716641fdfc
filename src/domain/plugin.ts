/**
 * What a domain plugin gives the core: assess a case file into documents to render (template name, plain-JSON
 * context, figures) and a summary. The core renders, writes and audits; a plugin knows nothing of files out.
 */
import type { DecisionFacts } from '../audit/build.js';
import type { Assets } from '../report/assets.js';

export interface DomainDocument {
  /** File-name part and role, e.g. "case-report", "adverse-action-letter". */
  readonly name: string;
  /** Template under templates/<domain>/. */
  readonly template: string;
  readonly context: object;
  readonly assets: Assets;
}

/** `reported`: documents produced; `escalated`: held for human review (no customer-facing document). */
export type CaseStatus = 'reported' | 'escalated';

export interface DomainOutcome {
  readonly caseId: string;
  /** The decision time: reports and records carry it, so a re-run of the same case gives the same bytes. */
  readonly decisionTime: Date;
  readonly status: CaseStatus;
  /** One line per escalation or warning, for the terminal. */
  readonly notes: readonly string[];
  /** What `--json` prints: decision, features, flags, explanation. */
  readonly summary: object;
  readonly documents: readonly DomainDocument[];
  /** What the audit record states about the decision (the core adds identity and document digests). */
  readonly audit: DecisionFacts;
}

export interface DomainSessionOptions {
  /** A jurisdiction or letter profile where the domain has several (credit: us, eu). */
  readonly profile?: string;
  /**
   * Which of the plugin's documents to produce (default: all). A mailing run needs only the letters; the
   * decision and its audit record are the same whichever documents are rendered.
   */
  readonly documents?: readonly string[];
  /**
   * The locales the documents will be rendered in (default: every one the domain has). Their words are loaded, and
   * checked for each document, when the session opens; a batch in one locale loads no other.
   */
  readonly locales?: readonly string[];
}

/** One case: a case file, or one data row of a CSV file (1-based, the header not counted). */
export interface CaseRef {
  readonly file: string;
  readonly row?: number;
}

/** A plugin opened once for many cases (models compiled once). */
export interface DomainSession {
  assessCase(ref: CaseRef): Promise<DomainOutcome>;
  close(): Promise<void>;
}

/**
 * What `domains/<name>/plugin.ts` exports. Loading it must stay cheap (names only): a batch's main thread and
 * the CLI's option checks load it; `open` imports the models, templates and fonts.
 */
export interface DomainPlugin {
  readonly name: string;
  readonly profiles: readonly string[];
  /** The profile a session without one uses (null for a domain without profiles). */
  readonly defaultProfile: string | null;
  /** The documents it can produce (`DomainDocument.name`), in the order it produces them. */
  readonly documents: readonly string[];
  /**
   * About what share of a case's work is rendering its documents (markup to HTML and PDF; 0–1, measured:
   * BENCHMARKS.md). A batch that writes PDFs gives that share of its threads to rendering (src/batch/plan.ts).
   */
  readonly renderShare: number;
  /** Whether a batch may take its cases as the rows of one CSV file (a loan book), besides a folder of case files. */
  readonly csvCases: boolean;
  open(options: DomainSessionOptions): Promise<DomainSession>;
}
