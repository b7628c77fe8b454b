import { safeText } from '@auditlog/audit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { recordOwnAction } from '../own-actions';
import { adminProcedure, router } from '../trpc';

// Actors the server itself uses for callers it cannot name (see auth/principal.ts and
// the sign-in and first-admin events): erasing one would blank many people's data.
const SHARED_ACTORS = new Set(['unknown', 'anonymous', 'audit-log']);

export const privacyRouter = router({
  /**
   * GDPR erasure: blanks a person's email, IP and user agent on every event they made;
   * every proof still holds. The erasure itself is logged, naming only the actor id.
   */
  erasePerson: adminProcedure
    .input(z.object({ actor: safeText(320).min(1) }))
    .mutation(async ({ ctx, input }) => {
      if (SHARED_ACTORS.has(input.actor) || input.actor.startsWith('api_key:')) {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `${input.actor} stands for many callers, not one person: it cannot be erased`,
        });
      }
      const self = ctx.principal.kind === 'user' ? ctx.principal.user : undefined;
      if (self && (input.actor === self.id || input.actor === self.email)) {
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: 'your own trail is erased by another admin, never by yourself',
        });
      }
      const erased = await ctx.store.erasePerson(input.actor);
      for (const { actorId, events } of erased) {
        await recordOwnAction(ctx, {
          action: 'privacy.person_erased',
          resourceType: 'actor',
          resourceId: actorId,
          metadata: { events },
        });
      }
      return erased;
    }),
});
