import { z } from 'zod';
import { actorTypes } from '../event';
import { LIMITS } from '../limits';
import { safeText } from '../text';

/** How long events are kept: a number of days, or explicitly for ever. */
const period = z.union(
  [z.number().int().min(1, 'a period is at least one day').max(36_500), z.literal('forever')],
  {
    error: 'a period is a whole number of days (1 or more) or "forever"',
  },
);

export type RetentionPeriod = z.output<typeof period>;

/** An action name, or a prefix ending in `*` (`auth.*`), as the filters take it. */
const actionPattern = safeText(LIMITS.action).regex(
  /^[a-z0-9_.]+\*?$/,
  'must be an action name, optionally ending in *',
);

const override = z
  .object({
    action: actionPattern.optional(),
    actorType: z.enum(actorTypes).optional(),
    days: period,
  })
  .strict()
  .refine((o) => o.action || o.actorType, {
    message: 'an override names an action pattern, an actor type, or both',
  });

export type RetentionOverride = z.output<typeof override>;

/**
 * The retention policy: a default period and overrides by action pattern and actor type.
 * An event's period is the first of these that matches it:
 *   1. an override naming its exact action (with its actor type, if the override names one),
 *   2. an override whose action prefix matches, the longest prefix first,
 *   3. an override naming only its actor type,
 *   4. the default.
 * Legal holds stand above all of them: a held event is never deleted. A fresh install
 * keeps every event for ever until an admin says otherwise.
 */
export const retentionPolicySchema = z
  .object({
    defaultDays: period,
    overrides: z.array(override).max(100).default([]),
    /**
     * Write the expired events to an archive (ARCHIVE_DIR), read it back and check it,
     * before deleting any: evidence kept cheaply, provable against the log's checkpoints.
     */
    archive: z.boolean().default(false),
  })
  .strict();

export type RetentionPolicy = z.output<typeof retentionPolicySchema>;

export const KEEP_EVERYTHING: RetentionPolicy = {
  defaultDays: 'forever',
  overrides: [],
  archive: false,
};

/** The overrides in the order they are tried (the precedence above). */
export function overridesInOrder(policy: RetentionPolicy): RetentionOverride[] {
  const rank = (o: RetentionOverride) =>
    !o.action ? [2, 0] : o.action.endsWith('*') ? [1, -o.action.length] : [0, 0];
  return [...policy.overrides].sort((a, b) => {
    const [ra, la] = rank(a) as [number, number];
    const [rb, lb] = rank(b) as [number, number];
    return ra - rb || la - lb;
  });
}

/** Every period the policy names. */
export function periodsOf(policy: RetentionPolicy): RetentionPeriod[] {
  return [policy.defaultDays, ...policy.overrides.map((o) => o.days)];
}

/** The periods under the operator's floor: a policy naming any is refused. */
export function periodsUnder(policy: RetentionPolicy, minDays: number): number[] {
  return periodsOf(policy).filter((p): p is number => p !== 'forever' && p < minDays);
}

/**
 * What a legal hold keeps: events matching all its criteria (at least one), with the
 * reason it was placed. Criteria read as the filters do: `actor` an id or an email in any
 * case, `action` exact or a prefix ending in `*`, a resource type (and id), a time range.
 */
export const legalHoldSchema = z
  .object({
    reason: safeText(1000).trim().min(1, 'a hold needs a reason'),
    actor: safeText(LIMITS.actorEmail).trim().min(1).optional(),
    action: actionPattern.optional(),
    resourceType: safeText(LIMITS.resourceType).min(1).optional(),
    resourceId: safeText(LIMITS.resourceId).min(1).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((h) => h.actor || h.action || h.resourceType || h.from || h.to, {
    message: 'a hold names what it keeps: an actor, an action, a resource or a time range',
  })
  .refine((h) => !h.resourceId || h.resourceType, {
    message: 'a resource id needs its type',
    path: ['resourceId'],
  });

export type LegalHoldCriteria = Omit<z.output<typeof legalHoldSchema>, 'reason'>;
