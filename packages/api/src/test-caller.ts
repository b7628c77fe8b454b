import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { AccountStore, type AuditStore } from '@auditlog/db';
import type { Principal } from './auth/principal';
import { createContext, createServices } from './context';
import { createCaller } from './root';

const DAY_AHEAD = new Date(Date.now() + 24 * 60 * 60 * 1000);

/** Callers of every kind, for tests of what each may do. */
export const principals = {
  admin: {
    kind: 'user',
    user: { id: randomUUID(), email: 'ada@example.com', name: 'Ada Admin', role: 'admin' },
    sessionId: 'test-admin-session',
    sessionExpiresAt: DAY_AHEAD,
  },
  auditor: {
    kind: 'user',
    user: { id: randomUUID(), email: 'otto@example.com', name: 'Otto Auditor', role: 'auditor' },
    sessionId: 'test-auditor-session',
    sessionExpiresAt: DAY_AHEAD,
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

/** Server-side callers over a real store, with the context the HTTP adapter builds. */
export function testCaller(store: AuditStore, options: { archiveDir?: string } = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const accounts = new AccountStore(store.db);
  const services = createServices({ store, accounts, signingKey: privateKey, ...options });
  const cookies: { set: string[]; cleared: number } = { set: [], cleared: 0 };
  const as = (principal: Principal | null, ip = '127.0.0.1') =>
    createCaller(
      createContext(services, {
        principal,
        cookie: { set: (token) => cookies.set.push(token), clear: () => cookies.cleared++ },
        ip,
        userAgent: 'vitest',
      }),
    );
  return {
    api: as(principals.service),
    admin: as(principals.admin),
    as,
    accounts,
    publicKey,
    cookies,
  };
}
