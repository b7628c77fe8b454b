import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { type Int8, prismaQueryable, type Queryable } from '../raw-sql';
import { monthPartitions, partitionTable } from './partitions-expired';

/** What a run records of a month it drops: its events per action and its seq ranges. */
export interface MonthContents {
  counts: { action: string; n: bigint }[];
  /** Inclusive. */
  ranges: { from: bigint; to: bigint }[];
}

// A month is summarised once it ended this long ago (by the database's clock). Appends
// of events dated more than 7 days back (imports) forget their months' summaries; the
// two days between cover a request checked just before the summary, and clock skew.
const SEALED_AFTER_DAYS = 9;

/**
 * The seqs of `source` (a table, or a query's name in a WITH) as runs of consecutive
 * numbers: `f` to `t`, inclusive.
 */
export function seqIslands(source: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT min(seq) AS f, max(seq) AS t
    FROM (SELECT seq, seq - row_number() OVER (ORDER BY seq) AS island FROM ${source}) s
    GROUP BY island`;
}

/** Reads a month partition for what a run records of it (inside a transaction). */
export async function readMonth(tx: Queryable, name: string): Promise<MonthContents> {
  const table = partitionTable(name);
  // Left to itself PostgreSQL reads a big month with two parallel workers, taking every
  // core of a small server from the appenders: reading a month should cost them one.
  await tx.query('SET LOCAL max_parallel_workers_per_gather = 0');
  const counts = await tx.query<{ action: string; n: Int8; lo: Int8; hi: Int8 }>(
    Prisma.sql`SELECT action, count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM ${table} GROUP BY action`
      .text,
  );
  if (counts.length === 0) return { counts: [], ranges: [] };
  // Seqs stay far below 2^53: numbers hold them exactly.
  const total = counts.reduce((n, c) => n + Number(c.n), 0);
  const lo = Math.min(...counts.map((c) => Number(c.lo)));
  const hi = Math.max(...counts.map((c) => Number(c.hi)));
  // One read usually does: a month's events are one run of seqs unless late events were
  // numbered among the next month's.
  const ranges =
    total === hi - lo + 1
      ? [{ from: BigInt(lo), to: BigInt(hi) }]
      : (
          await tx.query<{ f: Int8; t: Int8 }>(Prisma.sql`${seqIslands(table)} ORDER BY 1`.text)
        ).map((r) => ({ from: BigInt(r.f), to: BigInt(r.t) }));
  return { counts: counts.map(({ action, n }) => ({ action, n: BigInt(n) })), ranges };
}

/**
 * Summarises every sealed month that has no summary yet, one transaction each, and
 * returns their names. Each month is locked against writes while it is read (SHARE
 * lets appends to other months and every reader through), so a write either lands
 * before the read or after the summary, which it then forgets (see MonthSummary's
 * migration).
 */
export async function summarizeSealedMonths(prisma: PrismaClient): Promise<string[]> {
  const [clock] = await prisma.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
  const sealedBefore = (clock?.now.getTime() ?? 0) - SEALED_AFTER_DAYS * 86_400_000;
  const known = new Set(
    (await prisma.monthSummary.findMany({ select: { partition: true } })).map((s) => s.partition),
  );
  const due = (await monthPartitions(prismaQueryable(prisma))).filter(
    (p) => p.end.getTime() <= sealedBefore && !known.has(p.name),
  );
  for (const { name } of due) {
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`LOCK TABLE ${partitionTable(name)} IN SHARE MODE`;
      const { counts, ranges } = await readMonth(prismaQueryable(tx), name);
      await tx.monthSummary.upsert({
        where: { partition: name },
        create: {
          partition: name,
          events: counts.reduce((n, c) => n + c.n, 0n),
          byAction: Object.fromEntries(counts.map((c) => [c.action, Number(c.n)])),
          ranges: ranges.map((r) => [Number(r.from), Number(r.to)]),
        },
        update: {},
      });
    });
  }
  return due.map((p) => p.name);
}
