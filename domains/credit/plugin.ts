/**
 * The credit domain as the core sees it: its name, profiles and documents. Loading this costs nothing; the
 * session (model, LRP explainer, templates, fonts) is imported when one is opened, so a batch's main thread,
 * which only needs these names, never loads what its workers run.
 */
import type { DomainPlugin, DomainSessionOptions } from '../../src/domain/plugin.js';

export const DOMAIN = 'credit';
export const PROFILES = ['us', 'eu'] as const;
export const DEFAULT_PROFILE = 'us';
export const OFFICER_TEMPLATE = 'officer-report';
export const LETTER_DOCUMENT = 'adverse-action-letter';

export const plugin: DomainPlugin = {
  name: DOMAIN,
  profiles: PROFILES,
  defaultProfile: DEFAULT_PROFILE,
  documents: [LETTER_DOCUMENT, OFFICER_TEMPLATE],
  // Rendering a letter (markup to HTML and PDF) is about half of its case's work (V8 profile of a one-worker batch of
  // 1000 applicants: the PDF 41 %, the markup and HTML 5 %).
  renderShare: 0.5,
  csvCases: true,
  open: async (options: DomainSessionOptions) => (await import('./session.js')).openCreditSession(options),
};
