import { stringify } from 'csv-stringify/sync';
import { canonicalJson } from './canonical-json';
import type { AuditEvent } from './event';

export const CSV_COLUMNS = [
  'id',
  'seq',
  'createdAt',
  'actorId',
  'actorEmail',
  'actorType',
  'action',
  'outcome',
  'resourceType',
  'resourceId',
  'ip',
  'userAgent',
  'requestId',
  'writer',
  'metadata',
  'changes',
  'erasedAt',
  'hash',
] as const satisfies readonly (keyof AuditEvent)[];

// Spreadsheets run a cell that starts with one of these as a formula, and audit data
// carries attacker-chosen text (user agents, resource ids). OWASP's advice is to prefix
// such cells with a quote; the JSON export stays byte-exact for machines.
const FORMULA_START = /^[=+\-@\t\r]/;

// Nested JSON is written as the canonical text the event's leaf commits to.
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const cell = typeof value === 'object' ? canonicalJson(value) : String(value);
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/**
 * CSV text for a run of events; the header only when `header` is set (the first chunk).
 * Records end with LF, as PostgreSQL's COPY writes them (the server's exports).
 */
export function eventsToCsv(events: readonly AuditEvent[], header: boolean): string {
  return stringify(
    events.map((event) => CSV_COLUMNS.map((column) => csvCell(event[column]))),
    {
      header,
      columns: header ? [...CSV_COLUMNS] : undefined,
      // A lone CR or LF in a cell would split the record: quote every cell holding one.
      quoted_match: /[\r\n]/,
    },
  );
}

/**
 * A JSON array written piece by piece: `open`, then each chunk of events, then `close`,
 * so an export of any size is never held in memory whole.
 */
export const jsonArray = {
  open: '[',
  chunk(events: readonly AuditEvent[], first: boolean): string {
    if (events.length === 0) return '';
    const body = events.map((event) => `\n${JSON.stringify(event)}`).join(',');
    return first ? body : `,${body}`;
  },
  close: '\n]\n',
};
