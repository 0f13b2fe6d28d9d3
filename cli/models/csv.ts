/**
 * Minimal CSV reading and writing for the models commands: a header row, comma-separated fields,
 * optional double quotes (with "" for a quote inside). Every error names the file and line.
 */

/** A bad input file: the message names the file, the line and what is wrong. */
export class CsvInputError extends Error {
  override readonly name = 'CsvInputError';
  constructor(
    message: string,
    readonly details: { file: string; line: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One data row: its fields by column name and its 1-based line number in the file. */
export interface CsvRow {
  line: number;
  fields: ReadonlyMap<string, string>;
}

/** Splits one CSV line into fields, honouring double quotes. */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const character = line[index];
    if (quoted) {
      if (character === '"' && line[index + 1] === '"') {
        current += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else current += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      fields.push(current);
      current = '';
    } else current += character;
  }
  fields.push(current);
  return fields.map((field) => field.trim());
}

/**
 * Parses CSV text with a header; checks that every required column is present and that each row
 * has as many fields as the header. Blank lines are skipped.
 */
export function parseCsv(text: string, file: string, requiredColumns: readonly string[]): CsvRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerLine = lines[0] ?? '';
  if (headerLine.trim() === '')
    throw new CsvInputError(`${file} line 1: the file is empty, expected the header ${requiredColumns.join(',')}`, { file, line: 1 });
  const header = splitCsvLine(headerLine);
  const missing = requiredColumns.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw new CsvInputError(`${file} line 1: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header is ${header.join(',')})`, {
      file,
      line: 1,
    });
  }
  const rows: CsvRow[] = [];
  for (let index = 1; index < lines.length; index += 1) {
    const raw = lines[index] ?? '';
    if (raw.trim() === '') continue;
    const line = index + 1;
    const values = splitCsvLine(raw);
    if (values.length !== header.length) {
      throw new CsvInputError(`${file} line ${line}: expected ${header.length} fields, got ${values.length}`, { file, line });
    }
    rows.push({ line, fields: new Map(header.map((column, position) => [column, values[position] ?? ''])) });
  }
  return rows;
}

/** The field as a string, present by construction once parseCsv checked the header. */
export function field(row: CsvRow, column: string): string {
  return row.fields.get(column) ?? '';
}

/** The field as a finite number ≥ 0 (or any finite number with allowNegative), else a line error. */
export function numberField(row: CsvRow, column: string, file: string, options: { integer?: boolean } = {}): number {
  const text = field(row, column);
  const value = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) {
    throw new CsvInputError(`${file} line ${row.line}: ${column} is not a number: '${text}'`, { file, line: row.line });
  }
  if (value < 0) throw new CsvInputError(`${file} line ${row.line}: ${column} must not be negative, got ${text}`, { file, line: row.line });
  if (options.integer && !Number.isInteger(value)) {
    throw new CsvInputError(`${file} line ${row.line}: ${column} must be a whole number, got ${text}`, { file, line: row.line });
  }
  return value;
}

/** Quotes a field when it holds a comma, a quote or a line break. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
