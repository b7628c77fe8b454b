import { safeText } from '@auditlog/audit';
import type { PublicUser } from '@auditlog/db';
import { z } from 'zod';
import { hashPassword } from '../auth/passwords';
import { recordOwnAction } from '../own-actions';
import { adminProcedure, router } from '../trpc';
import { createUserAccount, newPassword } from '../user-accounts';

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
        password: newPassword,
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

  /**
   * Disables an account and ends its sessions; its history stays in the log. The API
   * keys it created keep working unless `revokeKeys` revokes them with it.
   */
  disable: adminProcedure
    .input(userId.extend({ revokeKeys: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      const { user, revokedKeys } = await ctx.accounts.disableUser(input.id, input);
      await recordOwnAction(ctx, {
        action: 'user.disabled',
        resourceType: 'user',
        resourceId: user.id,
        metadata: { revokedKeys },
      });
      return user;
    }),

  /** Lets a disabled account sign in again. */
  enable: adminProcedure
    .input(userId)
    .mutation(({ ctx, input }) => recorded(ctx, 'user.enabled', ctx.accounts.enableUser(input.id))),

  /** Gives an account a new password chosen by an admin, and ends its sessions. */
  resetPassword: adminProcedure
    .input(userId.extend({ password: newPassword }))
    .mutation(async ({ ctx, input }) =>
      recorded(
        ctx,
        'user.password_reset',
        ctx.accounts.setPasswordHash(input.id, await hashPassword(input.password)),
      ),
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
