import { randomUUID } from 'node:crypto';
import { connectionsOf, type Database } from '../database';
import type { Prisma, PrismaClient, Verification } from '../generated/prisma/client';
import type { VerificationResult } from './verify-tree';

/** A verification as callers see it while it runs and after. */
export interface VerificationRun {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  checked: number;
  total: number;
  result: VerificationResult | null;
  error: string | null;
}

// A run whose heartbeat is older than this lost its process.
export const HEARTBEAT_STALE_MS = 60_000;
// A verification that finished this recently answers whoever asks next, so callers
// cannot keep the database busy verifying back to back.
const REUSE_FINISHED_MS = 10_000;
// Any constant key would do; this one spells "vrfy".
const START_LOCK = 0x76726679;

const isLost = (row: Verification, now: number) =>
  !row.finishedAt && now - row.heartbeatAt.getTime() > HEARTBEAT_STALE_MS;

function toRun(row: Verification, now = Date.now()): VerificationRun {
  const lost = isLost(row, now);
  return {
    id: row.id,
    startedAt: row.startedAt.toISOString(),
    finishedAt: (row.finishedAt ?? (lost ? row.heartbeatAt : null))?.toISOString() ?? null,
    checked: Number(row.checked),
    total: Number(row.total),
    result: (row.result as unknown as VerificationResult | null) ?? null,
    error: row.error ?? (lost ? 'interrupted: the server process running it stopped' : null),
  };
}

/**
 * Verification runs, shared by every server process on the database: one runs at a
 * time, and whoever asks while it runs (or just after) gets that one.
 */
export class VerificationRuns {
  private readonly prisma: PrismaClient;

  constructor(db: Database) {
    this.prisma = connectionsOf(db).prisma;
  }

  /** The run to follow: one under way or just finished, else a new one for the caller. */
  async begin(): Promise<{ run: VerificationRun; isNew: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${START_LOCK})`;
      const latest = await tx.verification.findFirst({ orderBy: { startedAt: 'desc' } });
      const now = Date.now();
      const running = latest && !latest.finishedAt && !isLost(latest, now);
      const justFinished =
        latest?.finishedAt && now - latest.finishedAt.getTime() < REUSE_FINISHED_MS;
      if (latest && (running || justFinished)) return { run: toRun(latest, now), isNew: false };
      const at = new Date(now);
      const row = await tx.verification.create({
        data: { id: randomUUID(), startedAt: at, heartbeatAt: at },
      });
      return { run: toRun(row, now), isNew: true };
    });
  }

  async get(id: string): Promise<VerificationRun | null> {
    const row = await this.prisma.verification.findUnique({ where: { id } });
    return row ? toRun(row) : null;
  }

  /** Progress, which also says the run's process is alive. */
  async progress(id: string, checked: number, total: number): Promise<void> {
    await this.prisma.verification.updateMany({
      where: { id, finishedAt: null },
      data: { checked, total, heartbeatAt: new Date() },
    });
  }

  async finish(
    id: string,
    outcome: { result: VerificationResult } | { error: string; checked: number; total: number },
  ): Promise<VerificationRun> {
    const done =
      'result' in outcome
        ? {
            result: outcome.result as unknown as Prisma.InputJsonValue,
            checked: outcome.result.checked,
            total: outcome.result.treeSize,
          }
        : outcome;
    const row = await this.prisma.verification.update({
      where: { id },
      data: { ...done, finishedAt: new Date(), heartbeatAt: new Date() },
    });
    return toRun(row);
  }
}
