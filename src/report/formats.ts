/** The formats a report renders to, apart from the renderers: checking `--format` loads none of them. */
export type ReportFormat = 'pdf' | 'html';
export const REPORT_FORMATS: readonly ReportFormat[] = ['pdf', 'html'];
