import { appRouter, createApiKey, createUserAccount, type Services } from '@auditlog/api';
import type { AuditStore } from '@auditlog/db';
import { createTestDatabase, TEST_DRIVERS, type TestDatabase, testSql } from '@auditlog/db/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app';
import { testServices } from './test-services';

// Open to anyone by design: asking who one is, and signing in.
const PUBLIC_PROCEDURES = ['auth.me', 'auth.signIn'];
const PASSWORD = 'a long and secret passphrase';

const trpcGet = (path: string, input?: unknown) =>
  `/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;

describe.each(TEST_DRIVERS)('access over HTTP on %s', (driver) => {
  let db: TestDatabase;
  let services: Services;
  let store: AuditStore;
  let app: FastifyInstance;
  const bearer: Record<string, { authorization: string }> = {};
  let revokedKeyId: string;

  beforeAll(async () => {
    db = await createTestDatabase(driver);
    services = testServices(db).services;
    store = services.store;
    await createUserAccount(
      { ...services, principal: null, ip: undefined, userAgent: undefined },
      { email: 'otto@example.com', name: 'Otto', role: 'auditor', password: PASSWORD },
    );
    for (const [name, scopes] of [
      ['reader', ['log:read']],
      ['writer', ['log:write']],
      ['revoked', ['log:read', 'log:export']],
    ] as const) {
      const { key, secret } = await createApiKey(services.accounts, {
        name,
        scopes: [...scopes],
        createdBy: null,
      });
      bearer[name] = { authorization: `Bearer ${secret}` };
      if (name === 'revoked') revokedKeyId = key.id;
    }
    await services.accounts.revokeApiKey(revokedKeyId);
    app = await buildApp({ services });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await db?.drop();
  });

  const signIn = async (headers: Record<string, string> = {}) => {
    const response = await app.inject({
      method: 'POST',
      url: '/trpc/auth.signIn',
      headers: { 'content-type': 'application/json', ...headers },
      payload: { email: 'otto@example.com', password: PASSWORD },
    });
    return { response, cookie: String(response.headers['set-cookie'] ?? '').split(';')[0] ?? '' };
  };

  it.each([
    ['GET', '/export?format=csv'],
    ['GET', '/checkpoint.json'],
    ['GET', trpcGet('query', {})],
    ['GET', trpcGet('users.list')],
    ['POST', '/trpc/logAction'],
  ] as const)(
    '%s %s answers 401 without credentials, with a revoked key and with an expired session',
    async (method, url) => {
      const { cookie } = await signIn();
      await testSql(db, `UPDATE "Session" SET "expiresAt" = now() - interval '1 second'`);
      for (const headers of [{}, bearer.revoked, { cookie }]) {
        const response = await app.inject({
          method,
          url,
          headers: { 'content-type': 'application/json', ...headers },
          payload: method === 'POST' ? {} : undefined,
        });
        expect(response.statusCode).toBe(401);
        expect(response.body).not.toContain('events');
      }
    },
  );

  it('refuses every procedure of the router without credentials, with a revoked key and with an expired session', async () => {
    const { cookie } = await signIn();
    await testSql(db, `UPDATE "Session" SET "expiresAt" = now() - interval '1 second'`);
    const procedures = Object.entries(appRouter._def.procedures).filter(
      ([path]) => !PUBLIC_PROCEDURES.includes(path),
    );
    expect(procedures.length).toBeGreaterThan(15);
    const attempts: [string, Record<string, string>][] = [
      ['no credentials', {}],
      ['a revoked key', { ...bearer.revoked }],
      ['an expired session', { cookie }],
    ];
    for (const [path, procedure] of procedures) {
      const type = (procedure as { _def: { type: string } })._def.type;
      for (const [who, headers] of attempts) {
        const response =
          type === 'mutation'
            ? await app.inject({
                method: 'POST',
                url: `/trpc/${path}`,
                headers: { 'content-type': 'application/json', ...headers },
                payload: {},
              })
            : await app.inject({ url: trpcGet(path, {}), headers });
        expect(response.statusCode, `${path} with ${who}`).toBe(401);
      }
    }
  });

  it('answers 403 to a key without the scope, for tRPC and downloads alike', async () => {
    expect(
      (await app.inject({ url: '/export?format=json', headers: bearer.reader })).statusCode,
    ).toBe(403);
    expect(
      (await app.inject({ url: trpcGet('query', {}), headers: bearer.writer })).statusCode,
    ).toBe(403);
    // A live tail is refused before any stream opens.
    expect(
      (await app.inject({ url: trpcGet('tail', {}), headers: bearer.writer })).statusCode,
    ).toBe(403);
    expect((await app.inject({ url: '/checkpoint.json', headers: bearer.writer })).statusCode).toBe(
      403,
    );
    expect(
      (await app.inject({ url: trpcGet('users.list'), headers: bearer.reader })).statusCode,
    ).toBe(403);
  });

  it('signs in with an HttpOnly SameSite=Strict cookie that then authorises reading', async () => {
    const { response, cookie } = await signIn();
    expect(response.statusCode).toBe(200);
    expect(response.headers['set-cookie']).toMatch(
      /^audit_session=[\w-]+; Path=\/; Expires=.*; HttpOnly; SameSite=Strict$/,
    );
    const page = await app.inject({ url: trpcGet('query', {}), headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(
      (await app.inject({ url: trpcGet('apiKeys.list'), headers: { cookie } })).statusCode,
    ).toBe(403);
    expect((await app.inject({ url: '/export?format=csv', headers: { cookie } })).statusCode).toBe(
      200,
    );
  });

  it('refuses a write from another site, even with a valid session cookie', async () => {
    const { cookie } = await signIn();
    const response = await app.inject({
      method: 'POST',
      url: '/trpc/auth.signOut',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
      payload: {},
    });
    expect(response.statusCode).toBe(403);
    const login = await signIn({ origin: 'https://evil.example' });
    expect(login.response.statusCode).toBe(403);
  });

  it('an expired session is refused, and signing out ends the session', async () => {
    const { cookie } = await signIn();
    const out = await app.inject({
      method: 'POST',
      url: '/trpc/auth.signOut',
      headers: { cookie, 'content-type': 'application/json' },
      payload: {},
    });
    expect(out.statusCode).toBe(200);
    expect((await app.inject({ url: trpcGet('query', {}), headers: { cookie } })).statusCode).toBe(
      401,
    );

    const second = await signIn();
    await testSql(db, `UPDATE "Session" SET "expiresAt" = now() - interval '1 second'`);
    expect(
      (await app.inject({ url: trpcGet('query', {}), headers: { cookie: second.cookie } }))
        .statusCode,
    ).toBe(401);
  });

  it('ignores a spoofed X-Forwarded-For when no proxy is trusted', async () => {
    await app.inject({
      method: 'POST',
      url: '/trpc/auth.signIn',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '6.6.6.6' },
      payload: { email: 'otto@example.com', password: 'wrong password!' },
    });
    const [failed] = (await store.query({ action: 'auth.sign_in_failed' }, { limit: 1 })).events;
    expect(failed?.ip).toBe('127.0.0.1');
  });

  it('sends security headers with every answer', async () => {
    const response = await app.inject({ url: '/healthz' });
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it('refuses an oversized request body before reading it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/trpc/logMany',
      headers: { 'content-type': 'application/json', ...bearer.writer },
      payload: `[${'"x",'.repeat(5_000_000)}"x"]`,
    });
    expect(response.statusCode).toBe(413);
  });
});

describe('behind a trusted proxy', () => {
  it('takes the client address the proxy saw, counted from the right', async () => {
    const db = await createTestDatabase('pglite');
    const { services, store } = testServices(db);
    const app = await buildApp({ services, trustProxyHops: 1 });
    try {
      await app.inject({
        method: 'POST',
        url: '/trpc/auth.signIn',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '6.6.6.6, 203.0.113.5' },
        payload: { email: 'nobody@example.com', password: 'whatever it is' },
      });
      const [failed] = (await store.query({ action: 'auth.sign_in_failed' }, { limit: 1 })).events;
      expect(failed?.ip).toBe('203.0.113.5');
    } finally {
      await app.close();
      await store.close();
      await db.drop();
    }
  });
});
