import { randomUUID } from 'node:crypto';
import {
  KEEP_EVERYTHING,
  type LegalHoldCriteria,
  type RetentionPolicy,
  retentionPolicySchema,
} from '@auditlog/audit';
import { AccountError } from '../accounts/account-store';
import { connectionsOf, type Database } from '../database';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { Int8, RawSql } from '../raw-sql';
import { latestCheckpoint } from '../tree/checkpoints';
import type { ArchiveStorage } from './archive-storage';
import { ArchiveError, type ArchiveScope, writeArchive } from './archive-writer';
import { expiredSql, heldSql } from './expiry-sql';
import { summarizeSealedMonths } from './month-summary';
import { longestPeriodDays, mayHoldExpired, monthPartitions } from './partitions-expired';
import { type RetentionRunRecord, RetentionRunSteps, type RunRow, toRun } from './retention-run';

export interface LegalHold {
  id: string;
  reason: string;
  criteria: LegalHoldCriteria;
  placedBy: string;
  placedAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
}

/** What a policy would delete now: computed with the same SQL a run deletes with. */
export interface RetentionPreview {
  /** Events it would delete. */
  deleted: number;
  /** Events past their period that standing holds keep. */
  held: number;
  oldest: string | null;
  newest: string | null;
  /** Per month (UTC, yyyy-mm): events deleted, and whether the whole month goes. */
  months: { month: string; deleted: number; whole: boolean }[];
}

/**
 * Retention: the policy, legal holds, previews and runs. A run deletes only events the
 * latest checkpoint covers and no standing hold keeps: whole months by dropping their
 * partition, the rest in bounded batches. The leaf hashes stay in LeafTile and the tree's
 * nodes in MerkleNode, and the deleted seqs are recorded in PrunedRange, so every
 * checkpoint, proof and verification still holds.
 */
export class RetentionStore {
  private readonly prisma: PrismaClient;
  // A run's statements go through the driver. The first time Prisma meets a query's
  // shape in a process it compiles it, 5–10 ms of CPU each (47 ms for a model's first
  // query): a run made twenty-odd such shapes, and in a server process that had not run
  // one before, it took 215 ms of CPU in its 334 ms, beside the appends the same
  // process serves, whose p99 then doubled.
  private readonly raw: RawSql;
  /** Where archives go (ARCHIVE_DIR); a policy that archives cannot run without it. */
  readonly archives: ArchiveStorage | undefined;

  constructor(db: Database, options: { archives?: ArchiveStorage } = {}) {
    ({ prisma: this.prisma, raw: this.raw } = connectionsOf(db));
    this.archives = options.archives;
  }

  async policy(): Promise<RetentionPolicy> {
    const [row] = await this.raw.query<{ policy: unknown }>(
      'SELECT policy FROM "RetentionSettings" WHERE id = 1',
    );
    return row ? retentionPolicySchema.parse(row.policy) : KEEP_EVERYTHING;
  }

  /** Saves a policy; returns the one it replaced. */
  async setPolicy(policy: RetentionPolicy): Promise<RetentionPolicy> {
    const before = await this.policy();
    await this.prisma.retentionSettings.upsert({
      where: { id: 1 },
      create: { id: 1, policy },
      update: { policy, updatedAt: new Date() },
    });
    return before;
  }

  async holds(): Promise<LegalHold[]> {
    const rows = await this.prisma.legalHold.findMany({ orderBy: { placedAt: 'desc' } });
    return rows.map(toHold);
  }

  async placeHold(input: { reason: string; criteria: LegalHoldCriteria; placedBy: string }) {
    return toHold(await this.prisma.legalHold.create({ data: { id: randomUUID(), ...input } }));
  }

  async releaseHold(id: string, releasedBy: string): Promise<LegalHold> {
    const hold = await this.prisma.legalHold.findUnique({ where: { id } });
    if (!hold) throw new AccountError('NOT_FOUND', 'no such legal hold');
    if (hold.releasedAt) throw new AccountError('CONFLICT', 'this hold was already released');
    return toHold(
      await this.prisma.legalHold.update({
        where: { id },
        data: { releasedAt: new Date(), releasedBy },
      }),
    );
  }

  private async standingHolds(): Promise<LegalHoldCriteria[]> {
    const rows = await this.raw.query<{ criteria: LegalHoldCriteria }>(
      'SELECT criteria FROM "LegalHold" WHERE "releasedAt" IS NULL',
    );
    return rows.map((r) => r.criteria);
  }

  /** What `policy` would delete at `now`, under the standing holds. */
  async preview(policy: RetentionPolicy, now = new Date()): Promise<RetentionPreview> {
    return this.previewUpTo(
      policy,
      now,
      BigInt((await latestCheckpoint(this.prisma))?.treeSize ?? 0),
    );
  }

  /** The preview of events numbered below `covered` (what the latest checkpoint covers). */
  private async previewUpTo(
    policy: RetentionPolicy,
    now: Date,
    covered: bigint,
  ): Promise<RetentionPreview> {
    const held = heldSql(await this.standingHolds());
    const rows = await this.prisma.$queryRaw<
      { month: string; deleted: bigint; held: bigint; oldest: Date | null; newest: Date | null }[]
    >`
      SELECT to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM') AS month,
        count(*) FILTER (WHERE NOT held) AS deleted, count(*) FILTER (WHERE held) AS held,
        min("createdAt") FILTER (WHERE NOT held) AS oldest,
        max("createdAt") FILTER (WHERE NOT held) AS newest
      FROM (SELECT "createdAt", ${held} AS held FROM "AuditLog"
        WHERE ${expiredSql(policy, now)} AND seq < ${covered}) expired
      GROUP BY 1 ORDER BY 1`;
    const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
    const deleting = rows.filter((r) => Number(r.deleted) > 0);
    // Each month's whole count, for the months something is deleted from: whether it goes.
    const totals = new Map<string, number>();
    if (deleting.length > 0) {
      const first = `${deleting[0]?.month}-01T00:00:00Z`;
      const last = new Date(`${deleting.at(-1)?.month}-01T00:00:00Z`);
      last.setUTCMonth(last.getUTCMonth() + 1);
      const counted = await this.prisma.$queryRaw<{ month: string; n: bigint }[]>`
        SELECT to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM') AS month, count(*) AS n
        FROM "AuditLog" WHERE "createdAt" >= ${first}::timestamptz AND "createdAt" < ${last}
        GROUP BY 1`;
      for (const r of counted) totals.set(r.month, Number(r.n));
    }
    return {
      deleted: rows.reduce((n, r) => n + Number(r.deleted), 0),
      held: rows.reduce((n, r) => n + Number(r.held), 0),
      oldest: iso(deleting[0]?.oldest),
      newest: iso(deleting.at(-1)?.newest),
      months: deleting.map((r) => ({
        month: r.month,
        deleted: Number(r.deleted),
        whole: Number(r.deleted) === totals.get(r.month),
      })),
    };
  }

  /**
   * Summarises the sealed months that have no summary yet (the server does it hourly), so
   * that a run dropping them need not read them. Returns the months summarised.
   */
  summarizeSealedMonths(): Promise<string[]> {
    return summarizeSealedMonths(this.prisma);
  }

  /** Runs newest first. */
  runs(limit = 20): Promise<RetentionRunRecord[]> {
    return this.records({ orderBy: { startedAt: 'desc' }, take: limit });
  }

  /** The runs `query` selects, each with its pruned ranges. */
  private async records(query: Prisma.RetentionRunFindManyArgs): Promise<RetentionRunRecord[]> {
    const rows = await this.prisma.retentionRun.findMany(query);
    const ranges = await this.prisma.prunedRange.findMany({
      where: { runId: { in: rows.map((r) => r.id) } },
      orderBy: { fromSeq: 'asc' },
    });
    return rows.map((r) =>
      toRun(
        r,
        ranges.filter((x) => x.runId === r.id),
      ),
    );
  }

  /**
   * Deletes what the policy says has expired and no hold keeps, up to the latest signed
   * checkpoint; a dry run counts the same and deletes nothing. One run at a time across
   * every process (a lease in RetentionRun); a run killed halfway leaves its deletions
   * recorded batch by batch, and the next run deletes the rest.
   */
  async run(options: { dryRun: boolean; now?: Date }): Promise<RetentionRunRecord> {
    const now = options.now ?? new Date();
    const [policy, checkpoint] = await Promise.all([this.policy(), latestCheckpoint(this.prisma)]);
    const covered = BigInt(checkpoint?.treeSize ?? 0);
    const steps = new RetentionRunSteps(this.raw);
    const runId = await steps.takeLease({
      dryRun: options.dryRun,
      policy,
      checkpointSize: covered,
      checkpointRoot: checkpoint?.rootHash ?? '',
    });
    try {
      if (options.dryRun) {
        const preview = await this.previewUpTo(policy, now, covered);
        await this.raw.query('UPDATE "RetentionRun" SET deleted = $2 WHERE id = $1::uuid', [
          runId,
          preview.deleted,
        ]);
      } else {
        // Under load each round trip costs the run about 10 ms: what does not depend on
        // another step goes at once.
        const [holds, partitions] = await Promise.all([
          this.standingHolds(),
          monthPartitions(this.raw),
          steps.finishDetached(runId),
        ]);
        if (policy.archive && checkpoint) {
          await this.archive(steps, { runId, policy, holds, covered, now, checkpoint });
        }
        // A month that cannot hold an expired event is neither dropped nor searched.
        const candidates = partitions.filter((p) => mayHoldExpired(p, policy, now));
        const longest = longestPeriodDays(policy);
        const whole = await Promise.all(
          candidates.map((p) => steps.wholeMonthExpired(p, policy, holds, covered, now, longest)),
        );
        const dropped = candidates.filter((_, i) => whole[i]).map((p) => p.name);
        await steps.nameMonths(runId, dropped);
        // The months go one after another (each detach waits for the one before) while
        // the boundary rows are deleted, and each month's files are freed, which takes
        // longest, as soon as it is recorded.
        const drops: Promise<void>[] = [];
        const months = async () => {
          for (const name of dropped) {
            await steps.detachMonth(runId, name);
            drops.push(steps.dropMonth(name));
          }
        };
        const boundary = async () => {
          for (const partition of candidates.filter((_, i) => !whole[i])) {
            while (await steps.deleteBatch(runId, partition, policy, holds, covered, now)) {}
          }
        };
        // Every step started is waited for before the run ends, failed or not. A drop
        // that failed fails the run; the next run drops the table.
        const settled = await Promise.allSettled([months(), boundary()]);
        const failed = [...settled, ...(await Promise.allSettled(drops))].find(
          (r) => r.status === 'rejected',
        );
        if (failed) throw failed.reason;
      }
      const [[finished], ranges] = await Promise.all([
        this.raw.query<RunRow>(
          `UPDATE "RetentionRun" SET status = 'done', "finishedAt" = $2 WHERE id = $1::uuid
           RETURNING *`,
          [runId, new Date()],
        ),
        this.raw.query<{ fromSeq: Int8; toSeq: Int8 }>(
          'SELECT "fromSeq", "toSeq" FROM "PrunedRange" WHERE "runId" = $1::uuid ORDER BY 1',
          [runId],
        ),
      ]);
      return toRun(finished as RunRow, ranges);
    } catch (error) {
      await this.raw.query(
        `UPDATE "RetentionRun" SET status = 'failed', "finishedAt" = $2, error = $3
         WHERE id = $1::uuid`,
        [runId, new Date(), String(error)],
      );
      throw error;
    }
  }

  /**
   * Archives what the run is about to delete and reads it back, before anything goes.
   * The run then deletes by the same policy, holds, checkpoint and moment, so it deletes
   * only what the archive holds (a hold placed meanwhile only keeps more).
   */
  private async archive(
    steps: RetentionRunSteps,
    scope: Omit<ArchiveScope, 'onPage'>,
  ): Promise<void> {
    if (!this.archives) {
      throw new ArchiveError(
        'the policy archives expired events before deleting them, but this server has no ARCHIVE_DIR: nothing was deleted',
      );
    }
    let renewed = Date.now();
    const archive = await writeArchive(this.prisma, this.archives, {
      ...scope,
      onPage: async () => {
        if (Date.now() - renewed < LEASE_RENEWAL_MS) return;
        renewed = Date.now();
        await steps.renewLease(scope.runId);
      },
    });
    if (archive) {
      await this.prisma.retentionRun.update({
        where: { id: scope.runId },
        data: { archive: { ...archive } },
      });
    }
  }
}

// Renewed well inside the lease (a minute), however long an archive takes to write.
const LEASE_RENEWAL_MS = 10_000;

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toHold(row: Prisma.LegalHoldGetPayload<object>): LegalHold {
  return {
    id: row.id,
    reason: row.reason,
    criteria: row.criteria as LegalHoldCriteria,
    placedBy: row.placedBy,
    placedAt: row.placedAt.toISOString(),
    releasedBy: row.releasedBy,
    releasedAt: iso(row.releasedAt),
  };
}
