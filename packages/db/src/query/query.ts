import {
  type AuditEvent,
  actionFilter,
  type CursorPosition,
  decodeCursor,
  type EventFilter,
  encodeCursor,
} from '@auditlog/audit';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { withLeafHashes } from './event-row';

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

export function whereFilter(filter: EventFilter): Prisma.AuditLogWhereInput {
  const and: Prisma.AuditLogWhereInput[] = [];
  if (filter.actor) and.push({ OR: [{ actorId: filter.actor }, { actorEmail: filter.actor }] });
  if (filter.action) {
    const action = actionFilter(filter.action);
    and.push({
      action: 'exact' in action ? action.exact : { startsWith: likeLiteral(action.prefix) },
    });
  }
  if (filter.resourceType) and.push({ resourceType: filter.resourceType });
  if (filter.resourceId) and.push({ resourceId: filter.resourceId });
  if (filter.outcome) and.push({ outcome: filter.outcome });
  if (filter.from || filter.to) {
    and.push({
      createdAt: {
        ...(filter.from && { gte: new Date(filter.from) }),
        ...(filter.to && { lt: new Date(filter.to) }),
      },
    });
  }
  return { AND: and };
}

/**
 * Prisma puts a `startsWith` value into a LIKE pattern as it is, so `_` and `%` in it
 * would match any character; escaped (backslash is LIKE's escape), they match themselves.
 */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** Rows strictly after `position` in the given order: the keyset condition. */
function afterPosition(position: CursorPosition, order: Order): Prisma.AuditLogWhereInput {
  const beyond = order === 'newest' ? 'lt' : 'gt';
  return {
    OR: [
      { createdAt: { [beyond]: position.createdAt } },
      { createdAt: position.createdAt, seq: { [beyond]: BigInt(position.seq) } },
    ],
  };
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
  const order = options.order ?? 'newest';
  const where = whereFilter(filter);
  if (options.cursor) {
    const position = decodeCursor(options.cursor);
    if (!position) throw new InvalidCursorError();
    where.AND = [...(where.AND as Prisma.AuditLogWhereInput[]), afterPosition(position, order)];
  }
  const direction = order === 'newest' ? 'desc' : 'asc';
  const rows = await prisma.auditLog.findMany({
    where,
    orderBy: [{ createdAt: direction }, { seq: direction }],
    take: options.limit + 1,
  });
  const more = rows.length > options.limit;
  const events = await withLeafHashes(prisma, rows.slice(0, options.limit));
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
