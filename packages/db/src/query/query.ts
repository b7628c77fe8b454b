import {
  type AuditEvent,
  actionFilter,
  type CursorPosition,
  decodeCursor,
  type EventFilter,
  encodeCursor,
} from '@auditlog/audit';
import { type AuditLog, Prisma, type PrismaClient } from '../generated/prisma/client';
import { toAuditEvent } from './event-row';

export type Order = 'newest' | 'oldest';

export interface EventPage {
  events: AuditEvent[];
  /** Pass back to get the next page; absent on the last page. */
  nextCursor?: string;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('the cursor is not one this server issued');
  }
}

/**
 * The page's WHERE clause in SQL. Prisma's query builder can only write the keyset
 * condition as `createdAt < X OR (createdAt = X AND seq < S)`, which PostgreSQL never
 * uses as an index condition: each page re-read every earlier row, so an export grew
 * quadratically. The row comparison `("createdAt", seq) < (X, S)` is an index
 * condition on the (createdAt, seq) index, so page 1,000 reads what page 1 reads.
 */
export function whereSql(
  filter: EventFilter,
  position: CursorPosition | undefined,
  order: Order,
  /** The last position included (oldest first only): how an export bounds a page. */
  through?: CursorPosition,
) {
  const and: Prisma.Sql[] = [];
  if (filter.actor) {
    and.push(Prisma.sql`("actorId" = ${filter.actor} OR "actorEmail" = ${filter.actor})`);
  }
  if (filter.action) {
    const action = actionFilter(filter.action);
    and.push(
      'exact' in action
        ? Prisma.sql`action = ${action.exact}`
        : Prisma.sql`action LIKE ${`${likeLiteral(action.prefix)}%`}`,
    );
  }
  if (filter.resourceType) and.push(Prisma.sql`"resourceType" = ${filter.resourceType}`);
  if (filter.resourceId) and.push(Prisma.sql`"resourceId" = ${filter.resourceId}`);
  if (filter.outcome) and.push(Prisma.sql`outcome = ${filter.outcome}::"Outcome"`);
  if (filter.from) and.push(Prisma.sql`"createdAt" >= ${new Date(filter.from)}::timestamptz`);
  if (filter.to) and.push(Prisma.sql`"createdAt" < ${new Date(filter.to)}::timestamptz`);
  if (position) {
    const at = Prisma.sql`(${position.createdAt}::timestamptz, ${BigInt(position.seq)}::bigint)`;
    and.push(
      order === 'newest'
        ? Prisma.sql`("createdAt", seq) < ${at}`
        : Prisma.sql`("createdAt", seq) > ${at}`,
    );
  }
  if (through) {
    and.push(
      Prisma.sql`("createdAt", seq) <= (${through.createdAt}::timestamptz, ${BigInt(through.seq)}::bigint)`,
    );
  }
  return and.length > 0 ? Prisma.sql`WHERE ${Prisma.join(and, ' AND ')}` : Prisma.empty;
}

/**
 * `_` and `%` in a prefix would match any character in a LIKE pattern; escaped
 * (backslash is LIKE's escape), they match themselves.
 */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/**
 * The SQL of one page, for queryEvents and for tests that EXPLAIN it: the events, each
 * with its leaf hash (32 bytes cut from its tile, once the tree has taken it in), in one
 * round trip.
 */
export function eventPageSql(
  filter: EventFilter,
  options: { cursor?: string; limit: number; order?: Order },
): Prisma.Sql {
  const order = options.order ?? 'newest';
  let position: CursorPosition | undefined;
  if (options.cursor) {
    position = decodeCursor(options.cursor);
    if (!position) throw new InvalidCursorError();
  }
  const direction = Prisma.raw(order === 'newest' ? 'DESC' : 'ASC');
  return Prisma.sql`SELECT p.*, CASE WHEN octet_length(t.hashes) >= (p.seq % 256 + 1) * 32
      THEN substring(t.hashes, (p.seq % 256)::int * 32 + 1, 32) END AS "leafHash"
    FROM (SELECT * FROM "AuditLog" ${whereSql(filter, position, order)}
      ORDER BY "createdAt" ${direction}, seq ${direction} LIMIT ${options.limit + 1}) p
    LEFT JOIN "LeafTile" t ON t.tile = p.seq / 256
    ORDER BY p."createdAt" ${direction}, p.seq ${direction}`;
}

/**
 * One page of events matching `filter`, keyset-paginated on (createdAt, seq) so that
 * page 1,000 costs what page 1 costs and rows arriving meanwhile never shift a page.
 */
export async function queryEvents(
  prisma: PrismaClient,
  filter: EventFilter,
  options: { cursor?: string; limit: number; order?: Order },
): Promise<EventPage> {
  const rows = await prisma.$queryRaw<(AuditLog & { leafHash: Uint8Array | null })[]>(
    eventPageSql(filter, options),
  );
  const more = rows.length > options.limit;
  const events = rows
    .slice(0, options.limit)
    .map((row) => toAuditEvent(row, row.leafHash ? Buffer.from(row.leafHash) : undefined));
  const last = events.at(-1);
  return {
    events,
    ...(more &&
      last && {
        nextCursor: encodeCursor({ createdAt: new Date(last.createdAt), seq: last.seq }),
      }),
  };
}

/** Every matching event, oldest first, a page at a time: the source of exports. */
export async function* scanEvents(
  prisma: PrismaClient,
  filter: EventFilter,
  pageSize = 1000,
): AsyncGenerator<AuditEvent[]> {
  let cursor: string | undefined;
  do {
    const page = await queryEvents(prisma, filter, { cursor, limit: pageSize, order: 'oldest' });
    if (page.events.length > 0) yield page.events;
    cursor = page.nextCursor;
  } while (cursor);
}
