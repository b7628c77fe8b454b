import { safeText } from '@auditlog/audit';
import type { PublicUser } from '@auditlog/db';
import { z } from 'zod';
import { recordOwnAction } from '../own-actions';
import { adminProcedure, router } from '../trpc';
import { createUserAccount } from '../user-accounts';

const role = z.enum(['admin', 'auditor']);
const userId = z.object({ id: z.uuid() });

export const usersRouter = router({
  /** Every account, with whether sign-in to it is paused after failed tries. */
  list: adminProcedure.query(({ ctx }) => ctx.accounts.listUsers()),

  create: adminProcedure
    .input(
      z.object({
        email: safeText(320).trim().toLowerCase().pipe(z.email()),
        name: safeText(200).trim().min(1),
        role,
        // NIST SP 800-63B: length, not composition rules.
        password: safeText(1024).min(12, 'must be at least 12 characters'),
      }),
    )
    .mutation(({ ctx, input }) => createUserAccount(ctx, input)),

  setRole: adminProcedure.input(userId.extend({ role })).mutation(async ({ ctx, input }) => {
    const { before, user } = await ctx.accounts.setRole(input.id, input.role);
    await recordOwnAction(ctx, {
      action: 'user.role_changed',
      resourceType: 'user',
      resourceId: user.id,
      changes: { before: { role: before }, after: { role: input.role } },
    });
    return user;
  }),

  /** Disables an account and ends its sessions; its history stays in the log. */
  disable: adminProcedure
    .input(userId)
    .mutation(({ ctx, input }) =>
      recorded(ctx, 'user.disabled', ctx.accounts.disableUser(input.id)),
    ),

  /** Lifts the pause on sign-in after failed tries, from every address. */
  unlockSignIn: adminProcedure
    .input(userId)
    .mutation(({ ctx, input }) =>
      recorded(ctx, 'user.sign_in_unlocked', ctx.accounts.unlockSignIn(input.id)),
    ),
});

/** A change to one account, recorded in the log once it is made. */
async function recorded(
  ctx: Parameters<typeof recordOwnAction>[0],
  action: string,
  change: Promise<PublicUser>,
): Promise<PublicUser> {
  const user = await change;
  await recordOwnAction(ctx, { action, resourceType: 'user', resourceId: user.id });
  return user;
}
