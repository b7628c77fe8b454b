import { createPublicKey } from 'node:crypto';
import { eventProblem } from '@auditlog/audit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { recordOwnAction } from '../own-actions';
import { adminProcedure, readProcedure, router } from '../trpc';

const treeSize = z.number().int().nonnegative();

export const integrityRouter = router({
  /**
   * The latest signed checkpoint, the public key that checks it, and how far the tree has
   * followed the log (with the reason, while it cannot).
   */
  checkpoint: readProcedure.query(async ({ ctx }) => ({
    checkpoint: await ctx.store.latestCheckpoint(),
    publicKey: createPublicKey(ctx.signingKey).export({ type: 'spki', format: 'pem' }).toString(),
    tree: await ctx.store.treeStatus(),
  })),

  /**
   * Signs the tree as it stands now (the latest checkpoint if nothing was added). Each
   * signature is kept for good, so this is the admin's, and signs at most once a second.
   */
  issueCheckpoint: adminProcedure.mutation(({ ctx }) => ctx.checkpoints.sign()),

  /** One event, whether its content still matches its hash, and its inclusion proof. */
  get: readProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
    let event = await ctx.store.get(input.id);
    if (!event) throw new TRPCError({ code: 'NOT_FOUND', message: `no event with id ${input.id}` });
    if (event.hash === null) {
      // Committed moments ago: wait for the tree to take it in.
      await ctx.store.integrated();
      event = (await ctx.store.get(input.id)) ?? event;
    }
    const { hash } = event;
    if (hash === null) {
      throw new TRPCError({
        code: 'INTERNAL_SERVER_ERROR',
        message: `event ${event.seq} is not in the Merkle tree: integrating it failed (see the server log)`,
      });
    }
    // A reader may need the tree signed past a new event: such signatures are shared.
    const checkpoint = await ctx.checkpoints.covering(event.seq + 1);
    return {
      event: { ...event, hash },
      checkpoint,
      proof: await ctx.store.inclusionProof(event.seq, checkpoint.treeSize),
      contentMatches: eventProblem(event) === undefined,
    };
  }),

  /** Proof that the tree of `to` events extends the tree of `from` events. */
  consistency: readProcedure
    .input(z.object({ from: treeSize, to: treeSize }))
    .query(async ({ ctx, input }) => {
      const size = await ctx.store.treeSize();
      if (input.from > input.to || input.to > size) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `need from <= to <= ${size} (the tree's size); got from=${input.from}, to=${input.to}`,
        });
      }
      return { ...input, proof: await ctx.store.consistencyProof(input.from, input.to) };
    }),

  /**
   * Starts re-computing the whole tree from the stored events (or joins the run in
   * progress); poll `verification` for progress. The outcome is recorded in the log.
   */
  verify: readProcedure.mutation(({ ctx }) =>
    ctx.verifications.start(
      (onProgress) => ctx.store.verify({ publicKey: createPublicKey(ctx.signingKey), onProgress }),
      async (job) => {
        await recordOwnAction(ctx, {
          action: 'log.verified',
          outcome: job.result?.ok ? 'success' : 'failure',
          metadata: {
            checked: job.checked,
            treeSize: job.total,
            ...(job.result?.problem && {
              problemSeq: job.result.problem.seq,
              problem: job.result.problem.reason,
            }),
            ...(job.error && { error: job.error }),
          },
        });
      },
    ),
  ),

  verification: readProcedure.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
    const job = await ctx.verifications.get(input.id);
    if (!job) throw new TRPCError({ code: 'NOT_FOUND', message: `no verification ${input.id}` });
    return job;
  }),
});
