import {
  actionFilter,
  type LegalHoldCriteria,
  overridesInOrder,
  type RetentionPeriod,
  type RetentionPolicy,
} from '@auditlog/audit';
import { Prisma } from '../generated/prisma/client';
import { actionSql, actorSql } from '../query/search-sql';
import { shortestPeriodDays } from './partitions-expired';

const days = (period: RetentionPeriod) =>
  period === 'forever' ? Prisma.sql`NULL::integer` : Prisma.sql`${period}::integer`;

/**
 * Each event's retention in days under the policy (NULL: kept for ever), as one CASE in
 * the policy's order of precedence (overridesInOrder in packages/audit). Preview and
 * deletion both select with it, so what a preview counts is what a run deletes.
 */
export function retentionDaysSql(policy: RetentionPolicy): Prisma.Sql {
  const whens = overridesInOrder(policy).map((o) => {
    const and: Prisma.Sql[] = [];
    if (o.action) and.push(actionSql(actionFilter(o.action)));
    if (o.actorType) and.push(Prisma.sql`"actorType" = ${o.actorType}::"ActorType"`);
    return Prisma.sql`WHEN ${Prisma.join(and, ' AND ')} THEN ${days(o.days)}`;
  });
  if (whens.length === 0) return days(policy.defaultDays);
  return Prisma.sql`(CASE ${Prisma.join(whens, ' ')} ELSE ${days(policy.defaultDays)} END)`;
}

/** Whether a legal hold keeps the event: any standing hold whose every criterion matches. */
export function heldSql(holds: LegalHoldCriteria[]): Prisma.Sql {
  if (holds.length === 0) return Prisma.sql`false`;
  const each = holds.map((h) => {
    const and: Prisma.Sql[] = [];
    if (h.actor) and.push(actorSql(h.actor));
    if (h.action) and.push(actionSql(actionFilter(h.action)));
    if (h.resourceType) and.push(Prisma.sql`"resourceType" = ${h.resourceType}`);
    if (h.resourceId) and.push(Prisma.sql`"resourceId" = ${h.resourceId}`);
    if (h.from) and.push(Prisma.sql`"createdAt" >= ${h.from}::timestamptz`);
    if (h.to) and.push(Prisma.sql`"createdAt" < ${h.to}::timestamptz`);
    return Prisma.sql`(${Prisma.join(and, ' AND ')})`;
  });
  return Prisma.sql`(${Prisma.join(each, ' OR ')})`;
}

/**
 * Events past their retention at `now`: created before now minus their period. An event
 * exactly at the boundary, or one millisecond inside it, stays. The shortest period comes
 * first as a plain range on createdAt, which the index answers, so only events that old
 * are held to their own period.
 */
export function expiredSql(policy: RetentionPolicy, now: Date): Prisma.Sql {
  const shortest = shortestPeriodDays(policy);
  if (shortest === undefined) return Prisma.sql`false`;
  return Prisma.sql`"createdAt" < ${now}::timestamptz - make_interval(days => ${shortest}::integer)
    AND "createdAt" < ${now}::timestamptz - make_interval(days => ${retentionDaysSql(policy)})`;
}
