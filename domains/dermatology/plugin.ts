/**
 * The dermatology domain as the core sees it: its name and its one document. Loading this costs nothing; the
 * session (lesion models, imaging, templates) is imported when one is opened.
 */
import type { DomainPlugin } from '../../src/domain/plugin.js';

export const CASE_REPORT = 'case-report';

export const plugin: DomainPlugin = {
  name: 'dermatology',
  profiles: [],
  defaultProfile: null,
  documents: [CASE_REPORT],
  // Rendering a case report is about 7 % of its case's work (V8 profile of a one-worker batch of 60 cases: the PDF
  // 6.8 %): the lesion models and imaging are the rest, so a batch of a few workers keeps them all on cases.
  renderShare: 0.07,
  // A case is an image with its metadata: case files only.
  csvCases: false,
  open: async () => (await import('./session.js')).openDermatologySession(),
};
