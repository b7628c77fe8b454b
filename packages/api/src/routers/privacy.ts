import { safeText } from '@auditlog/audit';
import { z } from 'zod';
import { recordOwnAction } from '../own-actions';
import { adminProcedure, router } from '../trpc';

export const privacyRouter = router({
  /**
   * GDPR erasure: blanks a person's email, IP and user agent on every event they made;
   * every proof still holds. The erasure itself is logged, naming only the actor id.
   */
  erasePerson: adminProcedure
    .input(z.object({ actor: safeText(320).min(1) }))
    .mutation(async ({ ctx, input }) => {
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
