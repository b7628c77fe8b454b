import { randomUUID } from 'node:crypto';
import type { LegalHoldCriteria, RetentionPolicy } from '@auditlog/audit';
import { Prisma } from '../generated/prisma/client';
import type { Int8, Queryable, RawSql } from '../raw-sql';
import type { ArchiveRecord } from './archive-writer';
import { expiredSql, heldSql } from './expiry-sql';
import { readMonth, seqIslands } from './month-summary';
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
  constructor(private readonly raw: RawSql) {}

  /** Runs a statement built with Prisma.sql on the driver (see RetentionStore.run). */
  private sql<Row>(statement: Prisma.Sql, on: Queryable = this.raw): Promise<Row[]> {
    return on.query<Row>(statement.text, statement.values);
  }

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
    const [live] = await this.raw.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(7311, 1)');
      return this.sql<{ id: string }>(
        Prisma.sql`
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
        SELECT id::text FROM live`,
        tx,
      );
    });
    if (live) throw new RetentionBusyError(live.id);
    return id;
  }

  /** Keeps the lease through long work (writing an archive) that records nothing yet. */
  async renewLease(runId: string): Promise<void> {
    await this.sql(
      Prisma.sql`UPDATE "RetentionRun" SET "leaseUntil" = ${leaseUntil()} WHERE id = ${runId}::uuid`,
    );
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
    const [bounds] = await this.sql<{ newest: Date | null; last: Int8 | null }>(
      Prisma.sql`SELECT max("createdAt") AS newest, max(seq) AS last FROM ${table}`,
    );
    if (!bounds?.newest || bounds.last === null || BigInt(bounds.last) >= covered) return false;
    const surelyExpired =
      longest !== undefined && bounds.newest.getTime() < now.getTime() - longest * 86_400_000;
    if (!surelyExpired) {
      const [kept] = await this.sql<{ any: boolean }>(
        Prisma.sql`SELECT EXISTS (SELECT 1 FROM ${table} WHERE (${expiredSql(policy, now)}) IS NOT TRUE) AS any`,
      );
      if (kept?.any) return false;
    }
    if (holds.length === 0) return true;
    const [held] = await this.sql<{ any: boolean }>(
      Prisma.sql`SELECT EXISTS (SELECT 1 FROM ${table} WHERE ${heldSql(holds)}) AS any`,
    );
    return !held?.any;
  }

  /**
   * Names the months the run will drop before any is detached: a run killed while
   * dropping leaves only tables a run named, which the next run finishes.
   */
  async nameMonths(runId: string, names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.sql(
      Prisma.sql`UPDATE "RetentionRun" SET "partitionsDropped" = "partitionsDropped" || ${names}::text[]
        WHERE id = ${runId}::uuid`,
    );
  }

  /**
   * Takes an expired month (named by nameMonths) out of the log without making appends
   * wait, and records its events as pruned by the run; its table is left for dropMonth.
   * A plain DETACH or DROP takes the log's ACCESS EXCLUSIVE lock, which every insert
   * queues behind; DETACH … CONCURRENTLY does not, but cannot run in a transaction. A
   * run killed in between leaves a detached (or half-detached) table that a run named:
   * the next run finishes it (finishDetached), and until then verification reports those
   * events missing, which they are from the log.
   */
  async detachMonth(runId: string, name: string): Promise<void> {
    await this.sql(
      Prisma.sql`ALTER TABLE "AuditLog" DETACH PARTITION ${partitionTable(name)} CONCURRENTLY`,
    );
    await this.recordMonth(runId, name);
  }

  /**
   * Records a detached month's events as pruned by the run, all in one statement: a
   * month is recorded whole or not at all, so finishDetached can tell by one seq whether
   * it was. The month's summary says what it held when it still matches the table (its
   * first and last seq; taken once the month was sealed, and deleted here as the month
   * goes); otherwise the month is read.
   */
  private async recordMonth(runId: string, name: string): Promise<void> {
    const table = partitionTable(name);
    const [bySummary] = await this.sql<{ n: Int8 }>(Prisma.sql`
      WITH summary AS (
        DELETE FROM "MonthSummary" WHERE partition = ${name}
          AND (ranges -> 0 ->> 0)::bigint = (SELECT min(seq) FROM ${table})
          AND (ranges -> -1 ->> 1)::bigint = (SELECT max(seq) FROM ${table})
        RETURNING "byAction", ranges
      ), ranges AS (
        SELECT (r ->> 0)::bigint AS f, (r ->> 1)::bigint AS t
        FROM summary, jsonb_array_elements(summary.ranges) r
      ), counts AS (
        SELECT c.key AS action, c.value::bigint AS n
        FROM summary, jsonb_each_text(summary."byAction") c
      ), ${recordInto(runId)}`);
    if (BigInt(bySummary?.n ?? 0) > 0n) return;
    await this.raw.transaction(async (tx) => {
      await tx.query('DELETE FROM "MonthSummary" WHERE partition = $1', [name]);
      const { counts, ranges } = await readMonth(tx, name);
      await this.sql(
        Prisma.sql`
        WITH ranges AS (
          SELECT f, t
          FROM unnest(${ranges.map((r) => r.from)}::bigint[], ${ranges.map((r) => r.to)}::bigint[]) AS r(f, t)
        ), counts AS (
          SELECT action, n
          FROM unnest(${counts.map((c) => c.action)}::text[], ${counts.map((c) => c.n)}::bigint[]) AS c(action, n)
        ), ${recordInto(runId)}`,
        tx,
      );
    });
  }

  /**
   * Drops a month's table once detachMonth has recorded it. Freeing a month's files
   * takes the disk a while (150–200 ms for a 700 MB month, at the COMMIT) and holds no
   * lock that appends or the run's other steps wait for, so the run goes on meanwhile.
   */
  async dropMonth(name: string): Promise<void> {
    await this.sql(Prisma.sql`DROP TABLE ${partitionTable(name)}`);
  }

  /**
   * Months an earlier run named and began to drop but did not finish (its process died):
   * a detach left pending is completed, a detached month not yet recorded is recorded by
   * this run, and each is dropped. Only tables a run named are touched, never one
   * detached by hand.
   */
  async finishDetached(runId: string): Promise<void> {
    const named = await this.sql<{ name: string; pending: boolean | null }>(Prisma.sql`
      SELECT c.relname AS name, i.inhdetachpending AS pending
      FROM (SELECT DISTINCT unnest("partitionsDropped") AS name FROM "RetentionRun") r
      JOIN pg_catalog.pg_class c ON c.relname = r.name AND c.relkind = 'r'
      LEFT JOIN pg_catalog.pg_inherits i ON i.inhrelid = c.oid
      WHERE NOT c.relispartition OR i.inhdetachpending`);
    for (const { name, pending } of named) {
      if (!isMonthPartition(name)) continue;
      const table = partitionTable(name);
      if (pending) {
        await this.sql(Prisma.sql`ALTER TABLE "AuditLog" DETACH PARTITION ${table} FINALIZE`);
      }
      const [first] = await this.sql<{ recorded: boolean }>(Prisma.sql`
        SELECT EXISTS (
          SELECT 1 FROM "PrunedRange" p, (SELECT min(seq) AS seq FROM ${table}) m
          WHERE p."fromSeq" <= m.seq AND p."toSeq" >= m.seq
        ) AS recorded`);
      if (!first?.recorded) {
        await this.nameMonths(runId, [name]);
        await this.recordMonth(runId, name);
      }
      await this.dropMonth(name);
    }
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
    const [recorded] = await this.sql<{ n: Int8 }>(Prisma.sql`
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
      ), ranges AS (${seqIslands(Prisma.raw('gone'))}), counts AS (
        SELECT action, count(*) AS n FROM gone GROUP BY action
      ), ${recordInto(runId)}`);
    return BigInt(recorded?.n ?? 0) > 0n;
  }
}

const leaseUntil = () => new Date(Date.now() + LEASE_MS);

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

/** A RetentionRun row as Prisma or the driver answers it. */
export interface RunRow {
  id: string;
  dryRun: boolean;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  checkpointSize: Int8;
  checkpointRoot: string;
  deleted: Int8;
  byAction: unknown;
  partitionsDropped: string[];
  archive: unknown;
  error: string | null;
}

export function toRun(row: RunRow, ranges: { fromSeq: Int8; toSeq: Int8 }[]): RetentionRunRecord {
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
