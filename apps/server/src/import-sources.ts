import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import pg from 'pg';

export type SourceRow = Record<string, unknown>;

const ROWS_PER_FETCH = 1000;

/** A CSV record as a row: empty cells absent, JSON columns parsed. */
function fromCsv(record: Record<string, string>): SourceRow {
  const row: SourceRow = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === '') continue;
    row[key] = key === 'metadata' || key === 'changes' ? parseJson(value) : value;
  }
  return row;
}

// Text that is not JSON stays text, and the row is refused for it by name.
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The rows of a file: CSV with a header (`.csv`), one JSON object per line (`.ndjson`,
 * `.jsonl`), or a JSON array (`.json`). Read afresh on every call, as an import reads
 * its source twice (checking every row, then storing them).
 */
export async function* fileRows(path: string): AsyncGenerator<SourceRow> {
  if (path.endsWith('.csv')) {
    const records = createReadStream(path).pipe(parse({ columns: true, bom: true }));
    for await (const record of records) yield fromCsv(record as Record<string, string>);
    return;
  }
  if (path.endsWith('.ndjson') || path.endsWith('.jsonl')) {
    let n = 0;
    for await (const line of createInterface({
      input: createReadStream(path),
      crlfDelay: Infinity,
    })) {
      n += 1;
      if (line.trim() === '') continue;
      const row = parseJson(line);
      if (typeof row !== 'object' || row === null)
        throw new Error(`line ${n} of ${path} is not a JSON object`);
      yield row as SourceRow;
    }
    return;
  }
  if (path.endsWith('.json')) {
    const rows = JSON.parse(await readFile(path, 'utf8')) as unknown;
    if (!Array.isArray(rows)) throw new Error(`${path} is not a JSON array of rows`);
    yield* rows as SourceRow[];
    return;
  }
  throw new Error(`cannot tell the format of ${path}: name it .csv, .ndjson, .jsonl or .json`);
}

const TIMESTAMP_WITHOUT_TIME_ZONE = 1114;

// Prisma keeps DateTime as `timestamp(3)` without a time zone, in UTC: read it as UTC,
// whatever this process's time zone.
const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === TIMESTAMP_WITHOUT_TIME_ZONE && format !== 'binary'
    ? (text: string) => new Date(`${text.replace(' ', 'T')}Z`)
    : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

/**
 * The rows of a PostgreSQL table (or `schema.table`), oldest first, through a cursor so a
 * table of any size is read a page at a time. Times without a zone are taken as UTC.
 */
export async function* tableRows(url: string, table: string): AsyncGenerator<SourceRow> {
  const client = new pg.Client({ connectionString: url, types: { getTypeParser } });
  await client.connect();
  try {
    const name = table
      .split('.')
      .map((part) => client.escapeIdentifier(part))
      .join('.');
    await client.query('BEGIN READ ONLY');
    await client.query(
      `DECLARE source NO SCROLL CURSOR FOR SELECT * FROM ${name} ORDER BY "createdAt", id`,
    );
    for (;;) {
      const { rows } = await client.query<SourceRow>(`FETCH ${ROWS_PER_FETCH} FROM source`);
      if (rows.length === 0) break;
      for (const row of rows) {
        yield Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null));
      }
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
