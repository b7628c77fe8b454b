import type { AccountStore } from '@auditlog/db';
import type { Principal, Scope } from './principal';
import { formatApiKey, newKeyPrefix, newSecret, parseApiKey, sameHash, sha256 } from './secrets';

// lastUsedAt is written at most this often per key.
const TOUCH_EVERY_MS = 60 * 1000;

export async function createApiKey(
  accounts: AccountStore,
  input: { name: string; scopes: Scope[]; createdBy: string | null },
) {
  const prefix = newKeyPrefix();
  const secret = newSecret();
  const key = await accounts.createApiKey({
    name: input.name,
    prefix,
    secretHash: sha256(secret),
    scopes: input.scopes,
    createdBy: input.createdBy,
  });
  return { key, secret: formatApiKey(prefix, secret) };
}

export async function apiKeyPrincipal(
  accounts: AccountStore,
  value: string,
): Promise<Principal | null> {
  const parsed = parseApiKey(value);
  if (!parsed) return null;
  const key = await accounts.apiKeyByPrefix(parsed.prefix);
  if (!key || key.revokedAt || !sameHash(key.secretHash, sha256(parsed.secret))) return null;
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await accounts.touchApiKey(key.id, new Date());
  }
  return {
    kind: 'key',
    key: { id: key.id, name: key.name, prefix: key.prefix, scopes: key.scopes as Scope[] },
  };
}
