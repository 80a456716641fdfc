/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) → records keyed by the header row. */
import { fail } from '../errors.js';

export function csvRecords(text: string, source: string): Record<string, string>[] {
  const rows = parseRows(text, source).filter((r) => !(r.length === 1 && r[0] === ''));
  if (rows.length === 0) fail(`${source}: empty CSV (a header row is needed)`);
  const [header, ...body] = rows;
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) fail(`${source}: column ${JSON.stringify(name)} appears twice in the header`);
    seen.add(name);
  }
  return body.map((row, i) => {
    if (row.length !== header.length) fail(`${source}: line ${i + 2} has ${row.length} fields, the header has ${header.length}`);
    // A null-prototype record: a column named __proto__ stays an ordinary key and is caught by the case checks.
    const record = Object.create(null) as Record<string, string>;
    header.forEach((name, j) => (record[name] = row[j]));
    return record;
  });
}

function parseRows(text: string, source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      endField();
      rows.push(row);
      row = [];
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else field += c;
  }
  if (quoted) fail(`${source}: a quoted field is not closed`);
  if (field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}
