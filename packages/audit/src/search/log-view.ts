import { z } from 'zod';
import { sortOrders } from '../cursor';
import { LIMITS } from '../limits';
import { safeText } from '../text';
import { parseSearch, searchProblemText } from './search-terms';

/** The relative ranges a view can hold, as its URL writes them, with their length. */
export const RELATIVE_RANGES = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
} as const;

export type RelativeRange = keyof typeof RELATIVE_RANGES;

// A bound of the range: a whole day (older links; the viewer's local day) or an instant.
const bound = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'must be a day (yyyy-mm-dd) or an ISO 8601 instant',
});

/**
 * One view of the log as the dashboard's URL says it and a saved view keeps it: the
 * search, the older single-field filters, and a range that is either relative (it stays
 * relative: "last 7 days" moves with the clock) or fixed bounds. Each field is checked on
 * its own so that a link with one bad parameter can name it and keep the others.
 */
export const logViewFields = {
  q: z
    .string()
    .max(1000)
    .superRefine((q, ctx) => {
      for (const problem of parseSearch(q).problems) {
        ctx.addIssue({ code: 'custom', message: searchProblemText(q, problem) });
      }
    }),
  actor: safeText(LIMITS.actorEmail),
  action: safeText(LIMITS.action),
  resource: safeText(LIMITS.resourceType + 1 + LIMITS.resourceId),
  range: z.enum(Object.keys(RELATIVE_RANGES) as [RelativeRange, ...RelativeRange[]]),
  from: bound,
  to: bound,
  /** Time's order; newest first unless `oldest`. */
  sort: z.enum(sortOrders),
};

export const logViewSchema = z
  .object(logViewFields)
  .partial()
  .strict()
  .refine((v) => !(v.range && (v.from || v.to)), {
    message: 'a view has a relative range or days, not both',
    path: ['range'],
  })
  .refine((v) => !v.from || !v.to || Date.parse(v.from) <= Date.parse(v.to), {
    message: '`from` must not be after `to`',
    path: ['to'],
  });

export type LogView = z.output<typeof logViewSchema>;
export type LogViewField = keyof typeof logViewFields;
export const LOG_VIEW_FIELDS = Object.keys(logViewFields) as LogViewField[];
