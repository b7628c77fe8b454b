import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createApiKey } from '../auth/api-keys';
import { scopes } from '../auth/principal';
import { recordOwnAction } from '../own-actions';
import { adminProcedure, router } from '../trpc';

const publicKey = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

export const apiKeysRouter = router({
  list: adminProcedure.query(({ ctx }) =>
    ctx.store.db.prisma.apiKey.findMany({ select: publicKey, orderBy: { createdAt: 'desc' } }),
  ),

  /** Creates a key; the secret is in this answer only and never stored in clear. */
  create: adminProcedure
    .input(
      z.object({
        name: z.string().trim().min(1).max(100),
        scopes: z.array(z.enum(scopes)).min(1, 'choose at least one scope'),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { key, secret } = await createApiKey(ctx.store.db.prisma, {
        name: input.name,
        scopes: [...new Set(input.scopes)],
        createdBy: ctx.principal.kind === 'user' ? ctx.principal.user.id : null,
      });
      await recordOwnAction(ctx, {
        action: 'api_key.created',
        resourceType: 'api_key',
        resourceId: key.prefix,
        metadata: { name: key.name, scopes: key.scopes },
      });
      return { id: key.id, prefix: key.prefix, secret };
    }),

  revoke: adminProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    const prisma = ctx.store.db.prisma;
    const key = await prisma.apiKey.findUnique({ where: { id: input.id } });
    if (!key) throw new TRPCError({ code: 'NOT_FOUND', message: 'no such API key' });
    const revoked = await prisma.apiKey.update({
      where: { id: input.id },
      data: { revokedAt: key.revokedAt ?? new Date() },
      select: publicKey,
    });
    await recordOwnAction(ctx, {
      action: 'api_key.revoked',
      resourceType: 'api_key',
      resourceId: key.prefix,
      metadata: { name: key.name },
    });
    return revoked;
  }),
});
