import { generateKeyPairSync } from 'node:crypto';
import { createApiKey, createServices, type Scope } from '@auditlog/api';
import { AccountStore, AuditStore, type Database } from '@auditlog/db';

/** The services the server builds at start-up, over a test database. */
export function testServices(db: Database) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const store = new AuditStore(db);
  const services = createServices({
    store,
    accounts: new AccountStore(db),
    signingKey: privateKey,
  });
  return { ...services, services, publicKey };
}

/** The Authorization header of a new API key with these scopes. */
export async function bearerWith(accounts: AccountStore, scopes: Scope[]) {
  const { secret } = await createApiKey(accounts, { name: 'test', scopes, createdBy: null });
  return { authorization: `Bearer ${secret}` };
}
