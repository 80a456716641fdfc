/** Result tables: one header and rows of cells, rendered as CSV (RFC 4180) and as a Markdown table. */

export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export function tableCsv(table: Table): string {
  const cell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [table.header, ...table.rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

export function tableMarkdown(table: Table): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const line = (r: readonly string[]) => `| ${r.map(cell).join(' | ')} |`;
  return [line(table.header), `|${table.header.map(() => '---').join('|')}|`, ...table.rows.map(line)].join('\n') + '\n';
}
