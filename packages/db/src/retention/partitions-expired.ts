import { periodsOf, type RetentionPolicy } from '@auditlog/audit';
import { Prisma } from '../generated/prisma/client';
import type { Queryable } from '../raw-sql';

export interface MonthPartition {
  name: string;
  /** The month it holds: [start, end). */
  start: Date;
  end: Date;
}

const NAME = /^AuditLog_y(\d{4})m(\d{2})$/;

/** Whether a table's name is a month partition's (partitionName in append/ makes them). */
export const isMonthPartition = (name: string) => NAME.test(name);

/**
 * The log's monthly partitions, oldest first (their names say their month); one a
 * retention run left half-detached is not one any more (finishDetached completes it).
 */
export async function monthPartitions(db: Queryable): Promise<MonthPartition[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_catalog.pg_inherits i
      JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = '"AuditLog"'::regclass AND NOT i.inhdetachpending`,
  );
  return rows
    .map(({ name }) => {
      const [, year, month] = NAME.exec(name) ?? [];
      if (!year || !month) return undefined;
      const start = new Date(Date.UTC(Number(year), Number(month) - 1, 1));
      const end = new Date(Date.UTC(Number(year), Number(month), 1));
      return { name, start, end };
    })
    .filter((p): p is MonthPartition => p !== undefined)
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

/**
 * The longest finite period of the policy, or undefined when some events are kept for
 * ever: a month whose newest event is older than it has expired whole, whatever its
 * events' actions, without reading them.
 */
export function longestPeriodDays(policy: RetentionPolicy): number | undefined {
  const periods = periodsOf(policy);
  if (periods.includes('forever')) return undefined;
  return Math.max(...(periods as number[]));
}

/**
 * The shortest finite period of the policy, or undefined when every event is kept for
 * ever: no event younger than it has expired.
 */
export function shortestPeriodDays(policy: RetentionPolicy): number | undefined {
  const finite = periodsOf(policy).filter((p): p is number => p !== 'forever');
  return finite.length === 0 ? undefined : Math.min(...finite);
}

/**
 * Whether a month may hold an event the policy has expired at `now`: it starts before now
 * minus the shortest finite period (a day earlier, for intervals counted in the
 * session's time zone). Months after that are not searched at all.
 */
export function mayHoldExpired(
  partition: MonthPartition,
  policy: RetentionPolicy,
  now: Date,
): boolean {
  const shortest = shortestPeriodDays(policy);
  if (shortest === undefined) return false;
  return partition.start.getTime() < now.getTime() - (shortest - 1) * 86_400_000;
}

/**
 * A month partition's table, quoted for SQL. Only names that match NAME are taken (they
 * come from the catalogue or a run's record), so the identifier is safe to inline.
 */
export function partitionTable(name: string) {
  if (!isMonthPartition(name)) throw new Error(`not a month partition: ${name}`);
  return Prisma.raw(`"${name}"`);
}
