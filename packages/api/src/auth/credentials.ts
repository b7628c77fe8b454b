import type { AccountStore } from '@auditlog/db';
import { LRUCache } from 'lru-cache';
import { apiKeyPrincipal } from './api-keys';
import type { Principal } from './principal';
import { sha256 } from './secrets';
import { sessionPrincipal } from './sessions';

/**
 * How long a verified key or session is believed without asking the database again.
 * Revoking, disabling, a role or password change and signing out take effect at once
 * regardless (see CredentialChanges); this bounds only what could go unheard.
 */
export const TRUST_MS = 30_000;
const MAX_REMEMBERED = 10_000;

/**
 * Who is calling, from an API key or a session cookie: verified against the database
 * once, then remembered briefly, so a busy caller costs one hash and a map look-up per
 * request instead of a query. Only credentials that worked are remembered, by the
 * SHA-256 of what was presented (never the secret itself).
 */
export class Credentials {
  private readonly remembered = new LRUCache<string, Principal>({
    max: MAX_REMEMBERED,
    ttl: TRUST_MS,
  });
  // Counts changes, so a verification that raced one is not remembered.
  private changes = 0;

  constructor(private readonly accounts: AccountStore) {
    accounts.credentialChanges.subscribe(() => {
      this.changes++;
      this.remembered.clear();
    });
  }

  fromApiKey(value: string): Promise<Principal | null> {
    return this.remember(`key:${sha256(value)}`, () => apiKeyPrincipal(this.accounts, value));
  }

  fromSession(token: string): Promise<Principal | null> {
    return this.remember(`session:${sha256(token)}`, () => sessionPrincipal(this.accounts, token));
  }

  private async remember(
    id: string,
    verify: () => Promise<Principal | null>,
  ): Promise<Principal | null> {
    const { reliable } = this.accounts.credentialChanges;
    const known = reliable ? this.remembered.get(id) : undefined;
    if (known) return known;
    const before = this.changes;
    const principal = await verify();
    if (principal && reliable && before === this.changes) {
      // A session is never believed past its own end.
      const ttl =
        principal.kind === 'user'
          ? Math.min(TRUST_MS, principal.sessionExpiresAt.getTime() - Date.now())
          : TRUST_MS;
      if (ttl > 0) this.remembered.set(id, principal, { ttl });
    }
    return principal;
  }
}
