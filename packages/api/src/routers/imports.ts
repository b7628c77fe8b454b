import { LIMITS, safeText } from '@auditlog/audit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { writerOf } from '../auth/principal';
import { ImportBatch, problemsMessage, recordImport, storeImported } from '../import-events';
import { adminProcedure, router } from '../trpc';

export const importsRouter = router({
  /**
   * Imports rows of an existing audit table (the owner's seed shape: id, actorId,
   * actorEmail, action, resourceType, resourceId, metadata, ip, userAgent, createdAt),
   * keeping their original times. Every row is checked first: one bad row refuses the
   * call and stores nothing. Importing a row again stores nothing new (its id comes from
   * the source's name and the row's id). Each call is recorded as one log.imported event;
   * the `import` command sends a whole table as one import.
   */
  events: adminProcedure
    .input(
      z.object({
        /** What is being imported, e.g. `legacy-db.AuditLog`: part of every row's new id. */
        source: safeText(200).min(1),
        rows: z.array(z.record(z.string(), z.unknown())).min(1).max(LIMITS.batch),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const batch = new ImportBatch(input.source);
      const entries = input.rows.flatMap((row) => batch.add(row) ?? []);
      if (batch.problems.length > 0) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: problemsMessage(batch.problems) });
      }
      const stored = await storeImported(ctx.store, entries, writerOf(ctx.principal));
      const summary = batch.summary(stored.imported, stored.duplicates);
      await recordImport(ctx, summary);
      return summary;
    }),
});
