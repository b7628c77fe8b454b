import { generateKeyPairSync } from 'node:crypto';
import { createServices } from '@auditlog/api';
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
