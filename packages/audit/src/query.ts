import { z } from 'zod';
import { sortOrders } from './cursor';
import { LIMITS } from './limits';
import { parseSearch, searchProblemText } from './search';
import { safeText } from './text';

const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

/** Filters shared by the table, the facets and the exports. */
export const eventFilterSchema = z
  .object({
    /** An actor's id or email, matched exactly. */
    actor: safeText(LIMITS.actorEmail).min(1).optional(),
    /** An action name, or a prefix ending in `*` (`user.*`). */
    action: safeText(LIMITS.action)
      .regex(/^[a-z0-9_.]+\*?$/, 'must be an action name, optionally ending in *')
      .optional(),
    resourceType: safeText(LIMITS.resourceType).min(1).optional(),
    resourceId: safeText(LIMITS.resourceId).min(1).optional(),
    outcome: z.enum(['success', 'failure']).optional(),
    /** Inclusive lower bound on createdAt. */
    from: isoTime.optional(),
    /** Exclusive upper bound on createdAt. */
    to: isoTime.optional(),
    /** A search in the query language (search/search-terms.ts), with the fields above. */
    q: z
      .string()
      .superRefine((q, ctx) => {
        for (const problem of parseSearch(q).problems) {
          ctx.addIssue({ code: 'custom', message: searchProblemText(q, problem) });
        }
      })
      .optional(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || Date.parse(f.from) < Date.parse(f.to), {
    message: '`from` must be before `to`',
    path: ['to'],
  });

export type EventFilter = z.output<typeof eventFilterSchema>;

export const PAGE_SIZE_MAX = 500;

export const querySchema = z.object({
  filter: eventFilterSchema.default({}),
  /** Newest first (the default) or oldest first; a cursor continues in its own order. */
  order: z.enum(sortOrders).default('newest'),
  cursor: safeText(200).optional(),
  limit: z.number().int().min(1).max(PAGE_SIZE_MAX).default(50),
});

export type QueryInput = z.input<typeof querySchema>;

export const exportFormats = ['csv', 'json'] as const;
export type ExportFormat = (typeof exportFormats)[number];
