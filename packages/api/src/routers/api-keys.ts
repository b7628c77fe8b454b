import { safeText } from '@auditlog/audit';
import { z } from 'zod';
import { createApiKey } from '../auth/api-keys';
import { scopes } from '../auth/principal';
import { recordOwnAction } from '../own-actions';
import { adminProcedure, router } from '../trpc';

export const apiKeysRouter = router({
  list: adminProcedure.query(({ ctx }) => ctx.accounts.listApiKeys()),

  /** Creates a key; the secret is in this answer only and never stored in clear. */
  create: adminProcedure
    .input(
      z.object({
        name: safeText(100).trim().min(1),
        scopes: z.array(z.enum(scopes)).min(1, 'choose at least one scope'),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { key, secret } = await createApiKey(ctx.accounts, {
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
    const key = await ctx.accounts.revokeApiKey(input.id);
    await recordOwnAction(ctx, {
      action: 'api_key.revoked',
      resourceType: 'api_key',
      resourceId: key.prefix,
      metadata: { name: key.name },
    });
    return key;
  }),
});
