import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { AuditStore } from '@auditlog/db';
import type { Principal } from './auth/principal';
import { SignInLimiter } from './auth/rate-limit';
import { createCaller } from './root';
import { VerificationJobs } from './verification-jobs';

/** Callers of every kind, for tests of what each may do. */
export const principals = {
  admin: {
    kind: 'user',
    user: { id: randomUUID(), email: 'ada@example.com', name: 'Ada Admin', role: 'admin' },
    sessionId: 'test-admin-session',
  },
  auditor: {
    kind: 'user',
    user: { id: randomUUID(), email: 'otto@example.com', name: 'Otto Auditor', role: 'auditor' },
    sessionId: 'test-auditor-session',
  },
  service: {
    kind: 'key',
    key: {
      id: randomUUID(),
      name: 'backend',
      prefix: 'testprefix01',
      scopes: ['log:write', 'log:read', 'log:export'],
    },
  },
} satisfies Record<string, Principal>;

/** Server-side callers over a real store, built as the HTTP adapter builds them. */
export function testCaller(store: AuditStore) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const verifications = new VerificationJobs();
  const signInLimiter = new SignInLimiter();
  const cookies: { set: string[]; cleared: number } = { set: [], cleared: 0 };
  const as = (principal: Principal | null) =>
    createCaller({
      store,
      signingKey: privateKey,
      verifications,
      signInLimiter,
      principal,
      cookie: { set: (token) => cookies.set.push(token), clear: () => cookies.cleared++ },
      ip: '127.0.0.1',
      userAgent: 'vitest',
    });
  return { api: as(principals.service), admin: as(principals.admin), as, publicKey, cookies };
}
