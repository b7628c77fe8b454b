import {
  type EventFilter,
  eventFilterSchema,
  exportFormats,
  FACET_NAMES,
  querySchema,
  safeText,
} from '@auditlog/audit';
import { z } from 'zod';
import { exportChunks } from '../export';
import { recordOwnAction } from '../own-actions';
import { exportProcedure, readProcedure, router } from '../trpc';

export const queryRouter = router({
  /** A page of events, newest (or oldest) first; pass `nextCursor` back for the next page. */
  query: readProcedure.input(querySchema).query(({ ctx, input }) =>
    ctx.store.query(input.filter, {
      cursor: input.cursor,
      limit: input.limit,
      order: input.order,
    }),
  ),

  /**
   * How many events match, and each facet's most frequent values with their counts, each
   * counted under every selection but its own (packages/audit/src/search/facets.ts).
   */
  facets: readProcedure
    .input(
      z.object({
        filter: eventFilterSchema.default({}),
        top: z.number().int().min(1).max(100).default(10),
      }),
    )
    .query(({ ctx, input }) => ctx.store.facets(input.filter, input.top)),

  /**
   * One facet's values containing `text` in any case, most frequent first, counted like
   * `facets`: a long list (thousands of actors) is searched instead of scrolled.
   */
  facetValues: readProcedure
    .input(
      z.object({
        filter: eventFilterSchema.default({}),
        facet: z.enum(FACET_NAMES),
        text: safeText(200).trim().min(1, 'type part of a value to look for'),
        top: z.number().int().min(1).max(100).default(20),
      }),
    )
    .query(({ ctx, input }) =>
      ctx.store.facetValues(input.filter, input.facet, input.text, input.top),
    ),

  /**
   * The matching events as CSV or JSON text, streamed in chunks (use
   * httpBatchStreamLink); browsers download the same bytes from GET /export.
   */
  export: exportProcedure
    .input(z.object({ filter: eventFilterSchema.default({}), format: z.enum(exportFormats) }))
    .query(({ ctx, input }) =>
      exportChunks(ctx.store, input.filter, input.format, () =>
        recordOwnAction(ctx, {
          action: 'log.exported',
          metadata: { format: input.format, filter: withoutPersonalData(input.filter) },
        }),
      ),
    ),
});

/**
 * The export's filter as the log records it: an actor given by email is personal data
 * that erasure could not blank from the hashed metadata, so only the fact is kept.
 */
function withoutPersonalData(filter: EventFilter): EventFilter {
  const recorded = { ...filter };
  if (filter.actor?.includes('@')) recorded.actor = EMAIL_PLACEHOLDER;
  // A search names people by email too, as an actor: or as free text.
  if (filter.q) recorded.q = filter.q.replace(/[^\s":]+@[^\s"]+/g, EMAIL_PLACEHOLDER);
  return recorded;
}

const EMAIL_PLACEHOLDER = '(an email address)';
