import { legalHoldSchema, periodsUnder, retentionPolicySchema } from '@auditlog/audit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { recordOwnAction } from '../own-actions';
import { runRetention } from '../retention-runs';
import { adminProcedure, readProcedure, router } from '../trpc';

export const retentionRouter = router({
  /**
   * The policy in force, the floor no period may go below, how often it runs, and whether
   * the server has somewhere to archive (ARCHIVE_DIR).
   */
  policy: readProcedure.query(async ({ ctx }) => ({
    policy: await ctx.retention.policy(),
    minDays: ctx.retentionMinDays,
    intervalMinutes: ctx.retentionIntervalMinutes,
    canArchive: ctx.retention.archives !== undefined,
  })),

  /** Replaces the policy; the change is recorded with the old and new policy. */
  setPolicy: adminProcedure.input(retentionPolicySchema).mutation(async ({ ctx, input }) => {
    const short = periodsUnder(input, ctx.retentionMinDays);
    if (short.length > 0) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `${short[0]} days is below the floor of ${ctx.retentionMinDays} days this server is set to (RETENTION_MIN_DAYS)`,
      });
    }
    if (input.archive && !ctx.retention.archives) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message:
          'this server has nowhere to archive: set ARCHIVE_DIR before choosing to archive expired events',
      });
    }
    const before = await ctx.retention.setPolicy(input);
    await recordOwnAction(ctx, {
      action: 'retention.policy_changed',
      resourceType: 'retention_policy',
      changes: { before, after: input },
    });
    return input;
  }),

  /**
   * What a policy (the one in force, or one about to be saved) would delete now: counts,
   * the oldest and newest, the months, and how many standing holds keep.
   */
  preview: adminProcedure
    .input(z.object({ policy: retentionPolicySchema.optional() }))
    .query(async ({ ctx, input }) =>
      ctx.retention.preview(input.policy ?? (await ctx.retention.policy())),
    ),

  holds: readProcedure.query(({ ctx }) => ctx.retention.holds()),

  placeHold: adminProcedure.input(legalHoldSchema).mutation(async ({ ctx, input }) => {
    const { reason, ...criteria } = input;
    const hold = await ctx.retention.placeHold({
      reason,
      criteria,
      placedBy: nameOf(ctx.principal),
    });
    await recordOwnAction(ctx, {
      action: 'legal_hold.placed',
      resourceType: 'legal_hold',
      resourceId: hold.id,
      metadata: { reason, criteria },
    });
    return hold;
  }),

  releaseHold: adminProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    const hold = await ctx.retention.releaseHold(input.id, nameOf(ctx.principal));
    await recordOwnAction(ctx, {
      action: 'legal_hold.released',
      resourceType: 'legal_hold',
      resourceId: hold.id,
      metadata: { reason: hold.reason, criteria: hold.criteria },
    });
    return hold;
  }),

  runs: readProcedure.query(({ ctx }) => ctx.retention.runs()),

  /** Runs retention now (or counts what it would delete, `dryRun`). */
  run: adminProcedure
    .input(z.object({ dryRun: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => runRetention(ctx, input.dryRun)),
});

/** Who placed or released a hold, as the holds list shows it: an email or a key's name. */
const nameOf = (principal: Principal) =>
  principal.kind === 'user' ? principal.user.email : principal.key.name;
