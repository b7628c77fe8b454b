import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { decoyHash, verifyPassword } from '../auth/passwords';
import { createSession, endSession } from '../auth/sessions';
import { recordOwnAction } from '../own-actions';
import { authedProcedure, publicProcedure, router } from '../trpc';

const credentials = z.object({
  email: z.string().trim().toLowerCase().min(1).max(320),
  password: z.string().min(1).max(1024),
});

export const authRouter = router({
  /** Who is signed in (null when nobody): the dashboard's first question. */
  me: publicProcedure.query(({ ctx }) => {
    const p = ctx.principal;
    if (!p) return null;
    return p.kind === 'user'
      ? { kind: 'user' as const, ...p.user }
      : { kind: 'key' as const, name: p.key.name, prefix: p.key.prefix, scopes: p.key.scopes };
  }),

  signIn: publicProcedure.input(credentials).mutation(async ({ ctx, input }) => {
    const ip = ctx.ip ?? 'unknown';
    const user = await ctx.store.db.prisma.user.findUnique({ where: { email: input.email } });
    const failure = (reason: string, message: string, code: 'UNAUTHORIZED' | 'TOO_MANY_REQUESTS') =>
      recordOwnAction(
        { ...ctx, principal: null },
        {
          action: 'auth.sign_in_failed',
          outcome: 'failure',
          actorId: user?.id ?? 'unknown',
          actorEmail: z.email().safeParse(input.email).success ? input.email : '',
          metadata: { reason },
        },
      ).then(() => {
        throw new TRPCError({ code, message });
      });

    const wait = await ctx.signInLimiter.blockedFor(ip, input.email);
    if (wait > 0) {
      const message = `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute${wait > 60 ? 's' : ''}.`;
      if (await ctx.signInLimiter.shouldRecordBlock(ip, input.email)) {
        return failure('rate_limited', message, 'TOO_MANY_REQUESTS');
      }
      throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message });
    }
    const passwordOk = await verifyPassword(
      input.password,
      user?.passwordHash ?? (await decoyHash()),
    );
    if (!user || !passwordOk || user.disabledAt) {
      await ctx.signInLimiter.failed(ip, input.email);
      return failure(
        !user ? 'unknown_account' : user.disabledAt ? 'disabled_account' : 'wrong_password',
        'Wrong email or password.',
        'UNAUTHORIZED',
      );
    }
    await ctx.signInLimiter.succeeded(input.email);
    const session = await createSession(ctx.store.db.prisma, user.id);
    ctx.cookie.set(session.token, session.expiresAt);
    const principal = {
      kind: 'user' as const,
      user: { id: user.id, email: user.email, name: user.name, role: user.role },
      sessionId: session.id,
    };
    await recordOwnAction(
      { ...ctx, principal },
      { action: 'auth.signed_in', resourceType: 'session' },
    );
    return principal.user;
  }),

  signOut: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.principal.kind === 'user') {
      await endSession(ctx.store.db.prisma, ctx.principal.sessionId);
      await recordOwnAction(ctx, { action: 'auth.signed_out', resourceType: 'session' });
    }
    ctx.cookie.clear();
    return { ok: true };
  }),
});
