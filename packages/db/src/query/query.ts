import {
  type AuditEvent,
  actionFilter,
  type CursorPosition,
  decodeCursor,
  type EventFilter,
  encodeCursor,
  type SortOrder,
  takeActor,
} from '@auditlog/audit';
import { type AuditLog, Prisma, type PrismaClient } from '../generated/prisma/client';
import { leafHashSql, TILE_LEAVES } from '../tree/leaf-tiles';
import { toAuditEvent } from './event-row';
import { actionSql, actorSql, searchConditions } from './search-sql';

export type Order = SortOrder;

export interface EventPage {
  events: AuditEvent[];
  /** Pass back to get the next page; absent on the last page. */
  nextCursor?: string;
}

export class InvalidCursorError extends Error {
  constructor(message = 'the cursor is not one this server issued') {
    super(message);
  }
}

/**
 * The page's WHERE clause in SQL. Prisma's query builder can only write the keyset
 * condition as `createdAt < X OR (createdAt = X AND seq < S)`, which PostgreSQL never
 * uses as an index condition: each page re-read every earlier row, so an export grew
 * quadratically. The row comparison `("createdAt", seq) < (X, S)` is an index
 * condition on the (createdAt, seq) index, so page 1,000 reads what page 1 reads; the
 * plain `"createdAt" <= X` beside it is one on the other indexes, which end in createdAt.
 */
export function whereSql(
  filter: EventFilter,
  position: CursorPosition | undefined,
  order: Order,
  /** The last position included (oldest first only): how an export bounds a page. */
  through?: CursorPosition,
) {
  const and = filterConditions(filter, position, order);
  if (through) {
    and.push(
      Prisma.sql`("createdAt", seq) <= (${through.createdAt}::timestamptz, ${BigInt(through.seq)}::bigint)`,
    );
  }
  return where(and);
}

/** The filter's WHERE (newest first, no position) with conditions of the caller's added. */
export function whereSqlWith(filter: EventFilter, extra: Prisma.Sql[]) {
  return where([...filterConditions(filter, undefined, 'newest'), ...extra]);
}

const where = (and: Prisma.Sql[]) =>
  and.length > 0 ? Prisma.sql`WHERE ${Prisma.join(and, ' AND ')}` : Prisma.empty;

/** Every condition of the filter, and the keyset position. */
function filterConditions(
  filter: EventFilter,
  position: CursorPosition | undefined,
  order: Order,
): Prisma.Sql[] {
  const and = conditions(filter, position, order);
  if (filter.actor) and.push(actorSql(filter.actor));
  return and;
}

/** Every condition of the filter but the actor, and the keyset position. */
function conditions(
  filter: EventFilter,
  position: CursorPosition | undefined,
  order: Order,
): Prisma.Sql[] {
  const and: Prisma.Sql[] = [];
  if (filter.action) and.push(actionSql(actionFilter(filter.action)));
  if (filter.q) and.push(...searchConditions(filter.q));
  if (filter.resourceType) and.push(Prisma.sql`"resourceType" = ${filter.resourceType}`);
  if (filter.resourceId) and.push(Prisma.sql`"resourceId" = ${filter.resourceId}`);
  if (filter.outcome) and.push(Prisma.sql`outcome = ${filter.outcome}::"Outcome"`);
  if (filter.from) and.push(Prisma.sql`"createdAt" >= ${new Date(filter.from)}::timestamptz`);
  if (filter.to) and.push(Prisma.sql`"createdAt" < ${new Date(filter.to)}::timestamptz`);
  if (position) {
    const at = Prisma.sql`(${position.createdAt}::timestamptz, ${BigInt(position.seq)}::bigint)`;
    and.push(
      order === 'newest'
        ? Prisma.sql`("createdAt", seq) < ${at} AND "createdAt" <= ${position.createdAt}::timestamptz`
        : Prisma.sql`("createdAt", seq) > ${at} AND "createdAt" >= ${position.createdAt}::timestamptz`,
    );
  }
  return and;
}

/**
 * The SQL of one page, for queryEvents and for tests that EXPLAIN it: the events, each
 * with its leaf hash (32 bytes cut from its tile, once the tree has taken it in), in one
 * round trip. LATERAL keeps the tiles to one index look-up per event; a plain join let
 * the planner hash all of LeafTile (3,900 rows at 1,000,000 events) for a page of 50.
 */
export function eventPageSql(
  given: EventFilter,
  options: { cursor?: string; limit: number; order?: Order },
): Prisma.Sql {
  const order = options.order ?? 'newest';
  const filter = withIndexedActor(given);
  let position: CursorPosition | undefined;
  if (options.cursor) {
    const cursor = decodeCursor(options.cursor);
    if (!cursor) throw new InvalidCursorError();
    if (cursor.order !== order) {
      throw new InvalidCursorError(`the cursor continues a page of the ${cursor.order} first`);
    }
    position = cursor;
  }
  const direction = Prisma.raw(order === 'newest' ? 'DESC' : 'ASC');
  const sort = Prisma.sql`ORDER BY "createdAt" ${direction}, seq ${direction} LIMIT ${options.limit + 1}`;
  let page = Prisma.sql`SELECT * FROM "AuditLog" ${whereSql(filter, position, order)} ${sort}`;
  if (filter.actor) {
    // An actor is an id or an email (in any case): each has its index, ordered by time.
    // Two ordered reads of a page each, merged, rather than every event of the actor
    // read and sorted (12 ms for an actor with 200 events at 1,000,000; more, the busier).
    const rest = conditions(filter, position, order);
    const byId = where([...rest, Prisma.sql`"actorId" = ${filter.actor}`]);
    const byEmail = where([
      ...rest,
      Prisma.sql`lower("actorEmail") = lower(${filter.actor}) AND "actorId" <> ${filter.actor}`,
    ]);
    page = Prisma.sql`SELECT * FROM (
        (SELECT * FROM "AuditLog" ${byId} ${sort})
        UNION ALL (SELECT * FROM "AuditLog" ${byEmail} ${sort})
      ) a ${sort}`;
  }
  return withHashesSql(page, Prisma.sql`ORDER BY p."createdAt" ${direction}, p.seq ${direction}`);
}

/** A page of events (`p`), each with its leaf hash cut from its tile, in `orderBy`. */
function withHashesSql(page: Prisma.Sql, orderBy: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT p.*, ${Prisma.raw(leafHashSql('t.hashes', 'p.seq'))} AS "leafHash"
    FROM (${page}) p
    LEFT JOIN LATERAL (
      SELECT hashes FROM "LeafTile" WHERE tile = p.seq / ${Prisma.raw(String(TILE_LEAVES))} LIMIT 1
    ) t ON true
    ${orderBy}`;
}

/** A search's only actor: term as the filter's actor, which the page reads by index. */
function withIndexedActor(filter: EventFilter): EventFilter {
  const taken = !filter.actor && filter.q ? takeActor(filter.q) : undefined;
  return taken ? { ...filter, actor: taken.actor, q: taken.rest } : filter;
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
        nextCursor: encodeCursor(
          { createdAt: new Date(last.createdAt), seq: last.seq },
          options.order,
        ),
      }),
  };
}

/**
 * Up to `limit` events matching `filter` with a seq in (after, upTo], in commit order:
 * what a live tail sends next. Each seq is taken under the log head's row lock and held
 * until commit, so commits are seen in seq order: reading past the last seq sent can
 * neither skip an event nor send one twice.
 */
export async function eventsAfterSeq(
  prisma: PrismaClient,
  filter: EventFilter,
  range: { after: number; upTo: number },
  limit: number,
): Promise<AuditEvent[]> {
  const and = filterConditions(filter, undefined, 'newest');
  and.push(Prisma.sql`seq > ${BigInt(range.after)} AND seq <= ${BigInt(range.upTo)}`);
  const rows = await prisma.$queryRaw<(AuditLog & { leafHash: Uint8Array | null })[]>(
    withHashesSql(
      Prisma.sql`SELECT * FROM "AuditLog" ${where(and)} ORDER BY seq LIMIT ${limit}`,
      Prisma.sql`ORDER BY p.seq`,
    ),
  );
  return rows.map((row) => toAuditEvent(row, row.leafHash ? Buffer.from(row.leafHash) : undefined));
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
