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
  pdfShare: 0.1,
  open: async () => (await import('./session.js')).openDermatologySession(),
};
