import { generateKeyPairSync } from 'node:crypto';
import type { AuditStore } from '@auditlog/db';
import { createCaller } from './root';
import { VerificationJobs } from './verification-jobs';

/** A server-side caller over a real store, as the HTTP adapter would build it. */
export function testCaller(store: AuditStore) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const api = createCaller({
    store,
    signingKey: privateKey,
    verifications: new VerificationJobs(),
    ip: '127.0.0.1',
    userAgent: 'vitest',
  });
  return { api, publicKey };
}
