import { internationalEmail, safeText } from '@auditlog/audit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { decoyHash, hashPassword, verifyPassword } from '../auth/passwords';
import { createSession } from '../auth/sessions';
import { recordOwnAction } from '../own-actions';
import { authedProcedure, publicProcedure, router } from '../trpc';
import { newPassword } from '../user-accounts';

const credentials = z.object({
  email: safeText(320).trim().toLowerCase().pipe(internationalEmail),
  password: safeText(1024).min(1),
});

const minutes = (seconds: number) => {
  const m = Math.ceil(seconds / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
};

export const authRouter = router({
  /** Who is signed in (null when nobody): the dashboard's first question. */
  me: publicProcedure.query(({ ctx }) => {
    const p = ctx.principal;
    if (!p) return null;
    return p.kind === 'user'
      ? { kind: 'user' as const, ...p.user }
      : { kind: 'key' as const, name: p.key.name, prefix: p.key.prefix, scopes: p.key.scopes };
  }),

  /**
   * Counts the attempt against the limits first, then checks the password: attempts that
   * arrive together are counted as if one after another, and the answer says how many
   * tries remain from this address before sign-in pauses.
   */
  signIn: publicProcedure.input(credentials).mutation(async ({ ctx, input }) => {
    const ip = ctx.ip ?? 'unknown';
    const recordFailure = (reason: string, actorId: string) =>
      recordOwnAction(
        { ...ctx, principal: null },
        {
          action: 'auth.sign_in_failed',
          outcome: 'failure',
          actorId,
          actorEmail: input.email,
          metadata: { reason },
        },
      );

    const attempt = await ctx.accounts.signInLimits.attempt(ip, input.email);
    if (!attempt.allowed) {
      // Only the attempt that crossed the limit is recorded: hammering a paused sign-in
      // cannot grow the log.
      if (attempt.firstRefusal) await recordFailure('rate_limited', 'unknown');
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `Too many failed sign-ins from this address. Try again in ${minutes(attempt.retryAfterSeconds)}, or ask an admin to unlock the account.`,
      });
    }
    const user = await ctx.accounts.userForSignIn(input.email);
    const passwordOk = await verifyPassword(
      input.password,
      user?.passwordHash ?? (await decoyHash()),
    );
    if (!user || !passwordOk || user.disabledAt) {
      await recordFailure(
        !user ? 'unknown_account' : user.disabledAt ? 'disabled_account' : 'wrong_password',
        user?.id ?? 'unknown',
      );
      throw new TRPCError({
        code: 'UNAUTHORIZED',
        message:
          attempt.triesLeft > 0
            ? `Wrong email or password. ${attempt.triesLeft} ${attempt.triesLeft === 1 ? 'try' : 'tries'} left before sign-in from this address pauses.`
            : 'Wrong email or password. No tries left: sign-in from this address now pauses.',
      });
    }
    await ctx.accounts.signInLimits.succeeded(ip, input.email);
    const session = await createSession(ctx.accounts, user.id);
    ctx.cookie.set(session.token, session.expiresAt);
    const principal = {
      kind: 'user' as const,
      user: { id: user.id, email: user.email, name: user.name, role: user.role },
      sessionId: session.id,
      sessionExpiresAt: session.expiresAt,
    };
    await recordOwnAction(
      { ...ctx, principal },
      { action: 'auth.signed_in', resourceType: 'session' },
    );
    return principal.user;
  }),

  signOut: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.principal.kind === 'user') {
      await ctx.accounts.endSession(ctx.principal.sessionId);
      await recordOwnAction(ctx, { action: 'auth.signed_out', resourceType: 'session' });
    }
    ctx.cookie.clear();
    return { ok: true };
  }),

  /**
   * Changes the signed-in person's password, given the current one (counted like a
   * sign-in attempt), and ends their other sessions.
   */
  changePassword: authedProcedure
    .input(z.object({ currentPassword: safeText(1024).min(1), newPassword }))
    .mutation(async ({ ctx, input }) => {
      const p = ctx.principal;
      if (p.kind !== 'user') {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'an API key has no password' });
      }
      const ip = ctx.ip ?? 'unknown';
      const attempt = await ctx.accounts.signInLimits.attempt(ip, p.user.email);
      if (!attempt.allowed) {
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: `Too many wrong passwords from this address. Try again in ${minutes(attempt.retryAfterSeconds)}.`,
        });
      }
      const current = await ctx.accounts.passwordHashOf(p.user.id);
      if (!current || !(await verifyPassword(input.currentPassword, current))) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'The current password is wrong.' });
      }
      await ctx.accounts.signInLimits.succeeded(ip, p.user.email);
      await ctx.accounts.setPasswordHash(
        p.user.id,
        await hashPassword(input.newPassword),
        p.sessionId,
      );
      await recordOwnAction(ctx, {
        action: 'user.password_changed',
        resourceType: 'user',
        resourceId: p.user.id,
      });
      return { ok: true };
    }),
});
