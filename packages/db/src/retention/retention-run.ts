import { randomUUID } from 'node:crypto';
import type { LegalHoldCriteria, RetentionPolicy } from '@auditlog/audit';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { ArchiveRecord } from './archive-writer';
import { expiredSql, heldSql } from './expiry-sql';
import { type MonthContents, readMonth, takeSummary } from './month-summary';
import { isMonthPartition, type MonthPartition, partitionTable } from './partitions-expired';

export interface RetentionRunRecord {
  id: string;
  dryRun: boolean;
  status: 'running' | 'done' | 'failed' | 'interrupted';
  startedAt: string;
  finishedAt: string | null;
  checkpoint: { treeSize: number; rootHash: string };
  deleted: number;
  byAction: Record<string, number>;
  partitionsDropped: string[];
  /** The archive written and read back before anything was deleted, when the policy asks. */
  archive: ArchiveRecord | null;
  /** The seqs it deleted, as inclusive ranges. */
  ranges: [number, number][];
  error: string | null;
}

/** Refused because another run holds the lease. */
export class RetentionBusyError extends Error {
  constructor(readonly runId: string) {
    super(`retention run ${runId} is already running`);
  }
}

// A run renews its lease with each batch; one whose lease lapses (its process died) is
// marked interrupted and the next run takes over: deleting is idempotent, so it simply
// deletes what is still expired.
const LEASE_MS = 60_000;
// Rows deleted per transaction at a month's boundary: short enough that appends (which
// never wait for a run) and readers see no stall. At 10,000,000 events a batch took 26 ms
// alone (EXPLAIN ANALYZE). Batches of 20,000 took 46 ms alone and made the run 0.2 s
// shorter under load, but logAction's p99 during the run rose to 1.5–1.8 times the quiet
// load's (0.8–1.2 with 5,000).
const BATCH = 5_000;

/** The steps of a run, over the database: each leaves the run's record true. */
export class RetentionRunSteps {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Starts a run, unless another holds the lease; one whose lease lapsed is marked
   * interrupted. The lock serialises lease-taking across processes and is held for this
   * short transaction only; it is taken before the statement that reads the runs, so
   * that statement sees a run another process committed while this one waited.
   */
  async takeLease(run: {
    dryRun: boolean;
    policy: RetentionPolicy;
    checkpointSize: bigint;
    checkpointRoot: string;
  }): Promise<string> {
    const id = randomUUID();
    const now = new Date();
    const [live] = await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(7311, 1)`;
      return tx.$queryRaw<{ id: string }[]>`
        WITH live AS (
          SELECT id FROM "RetentionRun" WHERE status = 'running' AND "leaseUntil" > ${now}
        ), lapsed AS (
          UPDATE "RetentionRun" SET status = 'interrupted', "finishedAt" = ${now}
          WHERE status = 'running' AND NOT EXISTS (SELECT 1 FROM live)
        ), taken AS (
          INSERT INTO "RetentionRun"
            (id, status, "leaseUntil", "dryRun", policy, "checkpointSize", "checkpointRoot")
          SELECT ${id}::uuid, 'running', ${leaseUntil()}, ${run.dryRun},
            ${JSON.stringify(run.policy)}::jsonb, ${run.checkpointSize}, ${run.checkpointRoot}
          WHERE NOT EXISTS (SELECT 1 FROM live)
        )
        SELECT id::text FROM live`;
    });
    if (live) throw new RetentionBusyError(live.id);
    return id;
  }

  /** Keeps the lease through long work (writing an archive) that records nothing yet. */
  async renewLease(runId: string): Promise<void> {
    await this.prisma.retentionRun.update({
      where: { id: runId },
      data: { leaseUntil: leaseUntil() },
    });
  }

  /**
   * Whether every event of a month has expired, none is held, and the checkpoint covers
   * them all: then the month goes by dropping its partition. A month older than the
   * policy's longest period is answered from its newest event alone; a younger one (or
   * any, when some events are kept for ever) is checked against its events.
   */
  async wholeMonthExpired(
    partition: MonthPartition,
    policy: RetentionPolicy,
    holds: LegalHoldCriteria[],
    covered: bigint,
    now: Date,
    longest: number | undefined,
  ): Promise<boolean> {
    if (partition.end > now) return false;
    const table = partitionTable(partition.name);
    const [bounds] = await this.prisma.$queryRaw<{ newest: Date | null; last: bigint | null }[]>`
      SELECT max("createdAt") AS newest, max(seq) AS last FROM ${table}`;
    if (!bounds?.newest || bounds.last === null || bounds.last >= covered) return false;
    const surelyExpired =
      longest !== undefined && bounds.newest.getTime() < now.getTime() - longest * 86_400_000;
    if (!surelyExpired) {
      const [kept] = await this.prisma.$queryRaw<{ any: boolean }[]>`
        SELECT EXISTS (SELECT 1 FROM ${table} WHERE (${expiredSql(policy, now)}) IS NOT TRUE) AS any`;
      if (kept?.any) return false;
    }
    if (holds.length === 0) return true;
    const [held] = await this.prisma.$queryRaw<{ any: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM ${table} WHERE ${heldSql(holds)}) AS any`;
    return !held?.any;
  }

  /**
   * Takes expired months out of the log without making appends wait, and records their
   * events as pruned by the run; their tables are left for dropPruned. A plain DETACH or
   * DROP takes the log's ACCESS EXCLUSIVE lock, which every insert queues behind; DETACH
   * … CONCURRENTLY does not, but cannot run in a transaction. So the months are first
   * named in the run's record, then detached, then recorded and renamed in one
   * transaction. A run killed in between leaves a detached (or half-detached) table that
   * a run named: the next run finishes it (finishDetached), and until then verification
   * reports those events missing, which they are from the log.
   */
  async detachMonths(runId: string, names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.prisma.retentionRun.update({
      where: { id: runId },
      data: { partitionsDropped: { push: names } },
    });
    for (const name of names) {
      await this.prisma
        .$executeRaw`ALTER TABLE "AuditLog" DETACH PARTITION ${partitionTable(name)} CONCURRENTLY`;
    }
    await this.recordDetached(runId, names);
  }

  /**
   * Records detached months' events as pruned by the run, and renames their tables to
   * say so, in one transaction: a table so named is never recorded again. Each month's
   * summary says what it held when it has one that still matches (taken once the month
   * was sealed); otherwise the month is read.
   */
  private async recordDetached(runId: string, names: string[]): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const ranges: MonthContents['ranges'] = [];
      const counts: MonthContents['counts'] = [];
      for (const name of names) {
        const month = (await takeSummary(tx, name)) ?? (await readMonth(tx, name));
        ranges.push(...month.ranges);
        counts.push(...month.counts);
      }
      await tx.$queryRaw`
        WITH ranges AS (
          SELECT f, t
          FROM unnest(${ranges.map((r) => r.from)}::bigint[], ${ranges.map((r) => r.to)}::bigint[]) AS r(f, t)
        ), counts AS (
          SELECT action, sum(n)::bigint AS n
          FROM unnest(${counts.map((c) => c.action)}::text[], ${counts.map((c) => c.n)}::bigint[]) AS c(action, n)
          GROUP BY action
        ), ${recordInto(runId)}`;
      for (const name of names) {
        await tx.$executeRaw`ALTER TABLE ${partitionTable(name)} RENAME TO ${prunedTable(name)}`;
      }
    });
  }

  /**
   * Drops months' tables once their events are recorded. Freeing a month's files takes
   * the database a while (a 700 MB month about 150 ms at its COMMIT), and this holds no
   * lock that appends or the run's other steps wait for: the run deletes its boundary
   * rows meanwhile.
   */
  async dropPruned(names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.prisma.$executeRaw`DROP TABLE ${Prisma.join(names.map(prunedTable))}`;
  }

  /**
   * Months an earlier run named and began to drop but did not finish (its process died):
   * a detach left pending is completed, a detached table recorded by this run, and every
   * such table dropped. Only tables a run named are touched, never one detached by hand.
   */
  async finishDetached(runId: string): Promise<void> {
    const named = await this.prisma.$queryRaw<
      { name: string; recorded: boolean; pending: boolean | null }[]
    >`
      SELECT r.name, c.relname <> r.name AS recorded, i.inhdetachpending AS pending
      FROM (SELECT DISTINCT unnest("partitionsDropped") AS name FROM "RetentionRun") r
      JOIN pg_catalog.pg_class c
        ON c.relname IN (r.name, r.name || ${PRUNED}) AND c.relkind = 'r'
      LEFT JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid
      WHERE NOT c.relispartition OR i.inhdetachpending`;
    const months = named.filter((n) => isMonthPartition(n.name));
    for (const { name } of months.filter((n) => n.pending)) {
      await this.prisma
        .$executeRaw`ALTER TABLE "AuditLog" DETACH PARTITION ${partitionTable(name)} FINALIZE`;
    }
    const unrecorded = months.filter((n) => !n.recorded).map((n) => n.name);
    if (unrecorded.length > 0) {
      await this.prisma.retentionRun.update({
        where: { id: runId },
        data: { partitionsDropped: { push: unrecorded } },
      });
      await this.recordDetached(runId, unrecorded);
    }
    await this.dropPruned(months.map((n) => n.name));
  }

  /**
   * Deletes one batch of a month's expired, unheld, covered events and records them in
   * the run, in one statement; false when none was left. It deletes from the month's own
   * table: through the log, PostgreSQL planned and opened every month's table and
   * indexes for each batch, and a batch of 5,000 took about 155 ms at 10,000,000 events
   * against 12–19 ms this way (EXPLAIN ANALYZE). Rows are found by their address (ctid)
   * in the same statement, so no row is looked up again (26 ms against 36 ms for 5,000
   * joined back on seq and time; at 20,000 the join became a hash join over the whole
   * month, 362 ms).
   */
  async deleteBatch(
    runId: string,
    partition: MonthPartition,
    policy: RetentionPolicy,
    holds: LegalHoldCriteria[],
    covered: bigint,
    now: Date,
  ): Promise<boolean> {
    const table = partitionTable(partition.name);
    // The log's trigger would forget the month's summary once per row; the setting (for
    // this statement's transaction only) switches it off, and the statement forgets the
    // summary once, if anything went. The setting is an uncorrelated subquery, which
    // PostgreSQL evaluates once, before the first row is deleted.
    const [recorded] = await this.prisma.$queryRaw<{ n: bigint }[]>`
      WITH gone AS (
        DELETE FROM ${table} WHERE ctid = ANY (ARRAY(
          SELECT ctid FROM ${table}
          WHERE ${expiredSql(policy, now)} AND NOT ${heldSql(holds)} AND seq < ${covered}
          LIMIT ${BATCH}
        )) AND (SELECT set_config('auditlog.retention_batch', 'on', true)) = 'on'
        RETURNING seq, action
      ), forgotten AS (
        DELETE FROM "MonthSummary"
        WHERE partition = ${partition.name} AND EXISTS (SELECT 1 FROM gone)
      ), ranges AS (
        SELECT min(seq) AS f, max(seq) AS t
        FROM (SELECT seq, seq - row_number() OVER (ORDER BY seq) AS island FROM gone) s
        GROUP BY island
      ), counts AS (
        SELECT action, count(*) AS n FROM gone GROUP BY action
      ), ${recordInto(runId)}`;
    return (recorded?.n ?? 0n) > 0n;
  }
}

const leaseUntil = () => new Date(Date.now() + LEASE_MS);

// A detached month's table once its events are recorded as pruned (see recordDetached).
const PRUNED = '_pruned';
const prunedTable = (name: string) => {
  if (!isMonthPartition(name)) throw new Error(`not a month partition: ${name}`);
  return Prisma.raw(`"${name}${PRUNED}"`);
};

/**
 * The end of a statement that adds deleted seqs and counts to the run and renews its
 * lease: the statement defines `ranges(f, t)` (inclusive) and `counts(action, n)` before
 * it. One statement, because under load each round trip to the database costs the run
 * about 10 ms. Answers the number of events recorded.
 */
function recordInto(runId: string): Prisma.Sql {
  return Prisma.sql`pruned AS (
      INSERT INTO "PrunedRange" ("fromSeq", "toSeq", "runId")
      SELECT f, t, ${runId}::uuid FROM ranges
    )
    UPDATE "RetentionRun" r SET
      deleted = r.deleted + (SELECT COALESCE(sum(n), 0) FROM counts)::bigint,
      "byAction" = r."byAction" || COALESCE((
        SELECT jsonb_object_agg(c.action, COALESCE((r."byAction" ->> c.action)::bigint, 0) + c.n)
        FROM counts c
      ), '{}'::jsonb),
      "leaseUntil" = ${leaseUntil()}
    WHERE r.id = ${runId}::uuid
    RETURNING (SELECT COALESCE(sum(n), 0) FROM counts)::bigint AS n`;
}

export function toRun(
  row: Prisma.RetentionRunGetPayload<object>,
  ranges: { fromSeq: bigint; toSeq: bigint }[],
): RetentionRunRecord {
  return {
    id: row.id,
    dryRun: row.dryRun,
    status: row.status as RetentionRunRecord['status'],
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    checkpoint: { treeSize: Number(row.checkpointSize), rootHash: row.checkpointRoot },
    deleted: Number(row.deleted),
    byAction: row.byAction as Record<string, number>,
    partitionsDropped: row.partitionsDropped,
    archive: row.archive as ArchiveRecord | null,
    ranges: ranges.map((r) => [Number(r.fromSeq), Number(r.toSeq)]),
    error: row.error,
  };
}
