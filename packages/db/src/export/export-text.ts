import { StringDecoder } from 'node:string_decoder';
import {
  type CursorPosition,
  type EventFilter,
  type ExportFormat,
  eventsToCsv,
  jsonArray,
} from '@auditlog/audit';
import pg from 'pg';
import type { Connections } from '../database';
import { Prisma } from '../generated/prisma/client';
import { scanEvents, whereSql } from '../query/query';
import { exportCopySql, inlineValues } from './export-sql';

// Each page is one COPY; its bounds come from one index read first.
const PAGE_ROWS = 50_000;

/**
 * The matching events as export text, oldest first, in chunks: CSV with its header, or
 * a JSON array. On PostgreSQL, COPY writes every row, a page at a time (keyset pages:
 * an index condition, so the last page costs what the first does); the server passes
 * the text on. PGlite cannot stream a COPY: there the events are read a page at a time
 * and written here, to the same text.
 */
export async function* exportText(
  { prisma, raw }: Pick<Connections, 'prisma' | 'raw'>,
  filter: EventFilter,
  format: ExportFormat,
  pageRows = PAGE_ROWS,
): AsyncGenerator<string> {
  const { copyOut } = raw;
  if (!copyOut) {
    yield* writeEvents(prisma, filter, format);
    return;
  }
  const decoder = new StringDecoder('utf8');
  if (format === 'json') yield '[\n';
  let after: CursorPosition | undefined;
  // JSON: COPY ends every object with a newline; each but the last becomes ",\n". The
  // newline ending a chunk is held back until more text shows it was not the last.
  let held = false;
  for (let page = 0; ; page++) {
    const [end] = await prisma.$queryRaw<{ createdAt: Date; seq: bigint }[]>(
      pageEndSql(filter, after, pageRows),
    );
    const through = end && { createdAt: end.createdAt, seq: Number(end.seq) };
    const where = inlineValues(whereSql(filter, after, 'oldest', through), pg.escapeLiteral);
    for await (const chunk of copyOut(exportCopySql(format, where, page === 0))) {
      const text = decoder.write(chunk);
      if (format === 'csv') {
        yield text;
      } else if (text.length > 0) {
        const ended = text.endsWith('\n');
        yield `${held ? ',\n' : ''}${(ended ? text.slice(0, -1) : text).replaceAll('\n', ',\n')}`;
        held = ended;
      }
    }
    if (!through) break;
    after = through;
  }
  if (format === 'json') yield held ? '\n]\n' : ']\n';
}

/** Where a page of `pageRows` events after `after` ends: read from the index alone. */
export function pageEndSql(
  filter: EventFilter,
  after: CursorPosition | undefined,
  pageRows: number,
): Prisma.Sql {
  return Prisma.sql`SELECT "createdAt", seq FROM "AuditLog" ${whereSql(filter, after, 'oldest')}
    ORDER BY "createdAt", seq OFFSET ${pageRows - 1} LIMIT 1`;
}

async function* writeEvents(
  prisma: Connections['prisma'],
  filter: EventFilter,
  format: ExportFormat,
): AsyncGenerator<string> {
  let first = true;
  if (format === 'json') yield jsonArray.open;
  for await (const events of scanEvents(prisma, filter)) {
    yield format === 'csv' ? eventsToCsv(events, first) : jsonArray.chunk(events, first);
    first = false;
  }
  if (format === 'json') yield jsonArray.close;
  else if (first) yield eventsToCsv([], true);
}
