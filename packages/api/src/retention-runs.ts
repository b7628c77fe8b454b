import type { RetentionRunRecord } from '@auditlog/db';
import type { Context } from './context';
import { recordOwnAction } from './own-actions';

// An event's metadata is at most 16 KiB: a run that deleted scattered events lists its
// first ranges and says how many there are (the run's record keeps all of them).
const RANGES_LISTED = 50;
const ACTIONS_LISTED = 100;

/**
 * Runs retention once and records what it did as an event: counts per action, the seq
 * ranges, the months dropped and the checkpoint it started from. The scheduler calls it
 * with no principal; the event then names the retention scheduler as a system actor.
 */
export async function runRetention(
  ctx: Pick<Context, 'store' | 'retention' | 'ip' | 'userAgent' | 'principal'>,
  dryRun: boolean,
): Promise<RetentionRunRecord> {
  const run = await ctx.retention.run({ dryRun });
  const byAction = Object.entries(run.byAction)
    .sort(([, a], [, b]) => b - a)
    .slice(0, ACTIONS_LISTED);
  await recordOwnAction(ctx, {
    ...(!ctx.principal && { actorId: 'retention-scheduler', actorEmail: '', actorType: 'system' }),
    action: dryRun ? 'retention.dry_run_completed' : 'retention.run_completed',
    resourceType: 'retention_run',
    resourceId: run.id,
    metadata: {
      deleted: run.deleted,
      byAction: Object.fromEntries(byAction),
      partitionsDropped: run.partitionsDropped,
      archive: run.archive && { ...run.archive },
      ranges: run.ranges.slice(0, RANGES_LISTED),
      rangeCount: run.ranges.length,
      checkpoint: run.checkpoint,
    },
  });
  return run;
}
