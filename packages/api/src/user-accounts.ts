import { safeText } from '@auditlog/audit';
import type { PublicUser, Role } from '@auditlog/db';
import { hashPassword } from './auth/passwords';
import type { Context } from './context';
import { recordOwnAction } from './own-actions';

/** A password anyone chooses here: NIST SP 800-63B asks for length, not composition. */
export const newPassword = safeText(1024).min(12, 'must be at least 12 characters');

type Recorder = Pick<Context, 'store' | 'accounts' | 'ip' | 'userAgent' | 'principal'>;

/**
 * Creates an account and records it in the log: the one way accounts are made, by an
 * admin on the Users page, at first start-up, and by the create-admin command (`as` then
 * names the system as the actor).
 */
export async function createUserAccount(
  ctx: Recorder,
  input: { email: string; name: string; role: Role; password: string },
  as?: { actorId: string; actorType: 'system'; metadata: Record<string, string> },
): Promise<PublicUser> {
  const user = await ctx.accounts.createUser({
    email: input.email,
    name: input.name,
    role: input.role,
    passwordHash: await hashPassword(input.password),
  });
  await recordOwnAction(ctx, {
    ...as,
    action: 'user.created',
    resourceType: 'user',
    resourceId: user.id,
    // The email stays out of the hashed fields, which erasure cannot blank: the user's
    // id names them, and the accounts table their email.
    changes: { after: { role: user.role } },
  });
  return user;
}
