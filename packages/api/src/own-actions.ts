import type { AuditEntryInput } from '@auditlog/audit';
import { auditEntrySchema } from '@auditlog/audit';
import { actorOf } from './auth/principal';
import type { Context } from './context';

/**
 * Records what a caller did to the audit service itself (signing in, managing users and
 * keys, exporting, verifying, erasing) in its own log, with the caller as the actor and
 * their address, so the trail also shows who looked at the trail.
 */
export async function recordOwnAction(
  ctx: Pick<Context, 'store' | 'ip' | 'userAgent' | 'principal'>,
  entry: Omit<AuditEntryInput, 'actorId' | 'actorEmail' | 'actorType'> &
    Partial<Pick<AuditEntryInput, 'actorId' | 'actorEmail' | 'actorType'>>,
) {
  const [result] = await ctx.store.append([
    auditEntrySchema.parse({
      ...actorOf(ctx.principal),
      ...(ctx.ip && { ip: ctx.ip }),
      ...(ctx.userAgent && { userAgent: ctx.userAgent.slice(0, 1024) }),
      ...entry,
    }),
  ]);
  return result;
}
