import type { AccountStore } from '@auditlog/db';
import type { Principal } from './principal';
import { newSecret, sha256 } from './secrets';

/** A session lives 12 hours from sign-in, and ends after 2 hours without a request. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
// lastSeenAt is written at most this often, sparing a write on every request.
const TOUCH_EVERY_MS = 60 * 1000;

export async function createSession(accounts: AccountStore, userId: string) {
  const token = newSecret();
  const id = sha256(token);
  const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
  await accounts.createSession({ id, userId, expiresAt });
  return { token, id, expiresAt };
}

export async function sessionPrincipal(
  accounts: AccountStore,
  token: string,
  now = new Date(),
): Promise<Principal | null> {
  const id = sha256(token);
  const session = await accounts.findSession(id);
  if (!session) return null;
  const idle = now.getTime() - session.lastSeenAt.getTime();
  if (session.expiresAt <= now || idle > SESSION_IDLE_MS || session.user.disabledAt) {
    await accounts.endSession(id);
    return null;
  }
  if (idle > TOUCH_EVERY_MS) await accounts.touchSession(id, now);
  const { user } = session;
  return {
    kind: 'user',
    user: { id: user.id, email: user.email, name: user.name, role: user.role },
    sessionId: id,
    sessionExpiresAt: session.expiresAt,
  };
}
