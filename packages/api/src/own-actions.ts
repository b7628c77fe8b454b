import type { AuditEntryInput } from '@auditlog/audit';
import { auditEntrySchema } from '@auditlog/audit';
import type { Context } from './context';

/**
 * Records something the audit service itself did (a verification, an erasure) in its
 * own log, with the caller's address, so the trail also shows who looked at the trail.
 */
export async function recordOwnAction(
  ctx: Pick<Context, 'store' | 'ip' | 'userAgent'>,
  entry: Omit<AuditEntryInput, 'actorId' | 'actorEmail' | 'actorType'>,
) {
  const [result] = await ctx.store.append([
    auditEntrySchema.parse({
      actorId: 'audit-log',
      actorEmail: '',
      actorType: 'system',
      ...(ctx.ip && { ip: ctx.ip }),
      ...(ctx.userAgent && { userAgent: ctx.userAgent.slice(0, 1024) }),
      ...entry,
    }),
  ]);
  return result;
}
