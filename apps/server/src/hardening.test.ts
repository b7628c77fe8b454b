import { type AppRouter, appRouter, createUserAccount } from '@auditlog/api';
import type { AuditStore } from '@auditlog/db';
import { createTestDatabase, TEST_DRIVERS, type TestDatabase, testSql } from '@auditlog/db/testing';
import { createTRPCClient, httpBatchStreamLink, TRPCClientError } from '@trpc/client';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app';
import { bearerWith, testServices } from './test-services';

const ADMIN = { email: 'root@example.com', password: 'a long admin passphrase' };
const event = { actorId: 'svc_1', actorEmail: '', actorType: 'service', action: 'doc.viewed' };

const trpcGet = (path: string, input: unknown) =>
  `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;

// What the server's insides look like in an answer that leaks them.
const LEAKS =
  /\/work\/|packages\/|node_modules|\.ts:\d|\bat [\w.<>]+ \(|prisma|PrismaClient|SELECT /i;

describe.each(TEST_DRIVERS)('hostile and awkward input over HTTP on %s', (driver) => {
  let db: TestDatabase;
  let store: AuditStore;
  let app: FastifyInstance;
  let key: Record<string, string>;
  let session: Record<string, string>;

  const post = (url: string, payload: unknown, headers = key) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload:
        typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
    });

  beforeAll(async () => {
    db = await createTestDatabase(driver);
    const test = testServices(db);
    store = test.store;
    await createUserAccount(
      { ...test.services, principal: null, ip: undefined, userAgent: undefined },
      { ...ADMIN, name: 'Root', role: 'admin' },
    );
    key = await bearerWith(test.accounts, ['log:write', 'log:read', 'log:export']);
    app = await buildApp({ services: test.services });
    const signIn = await post('/trpc/auth.signIn', ADMIN, {});
    session = { cookie: String(signIn.headers['set-cookie']).split(';')[0] ?? '' };
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await db?.drop();
  });

  it('writes a lone LF or CR inside a CSV cell quoted, so a CSV reader loses no event', async () => {
    for (const resourceId of ['line1\nline2', 'a\rb']) {
      expect(
        (await post('/trpc/logAction', { ...event, action: 'csv.tested', resourceId })).statusCode,
      ).toBe(200);
    }
    const csv = (await app.inject({ url: '/export?format=csv&action=csv.tested', headers: key }))
      .body;
    const rows = parse(csv, { columns: true }) as { resourceId: string }[];
    expect(rows.map((r) => r.resourceId)).toEqual(['line1\nline2', 'a\rb']);
  });

  it('takes `_` in an action prefix literally', async () => {
    for (const action of ['acc.value_recorded', 'acc.valuex_recorded']) {
      await post('/trpc/logAction', { ...event, action });
    }
    const page = await app.inject({
      url: trpcGet('query', { filter: { action: 'acc.value_*' } }),
      headers: key,
    });
    const actions = page.json().result.data.events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['acc.value_recorded']);
  });

  it('stores `__proto__` keys in metadata exactly as sent, and the event verifies', async () => {
    const metadata = '{"__proto__":"x","a":{"__proto__":{"b":1}}}';
    const sent = await post(
      '/trpc/logAction',
      `{"actorId":"svc_1","actorEmail":"","actorType":"service","action":"proto.sent","metadata":${metadata}}`,
    );
    expect(sent.statusCode).toBe(200);
    const { id } = sent.json().result.data;
    const proof = await app.inject({ url: trpcGet('integrity.get', { id }), headers: key });
    expect(proof.body).toContain(`"metadata":${metadata}`);
    expect(proof.json().result.data.contentMatches).toBe(true);
  });

  it('refuses a body or query string that is not valid UTF-8, and stores nothing', async () => {
    const before = await store.size();
    for (const bad of ['\xff\xfe', '\xc0\xaf', '\x80']) {
      const body = Buffer.concat([
        Buffer.from('{"actorId":"'),
        Buffer.from(bad, 'latin1'),
        Buffer.from('","actorEmail":"","actorType":"service","action":"doc.viewed"}'),
      ]);
      const response = await post('/trpc/logAction', body);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: 'BAD_REQUEST',
        message: 'the request body is not valid UTF-8',
      });
    }
    const query = await app.inject({ url: '/export?actor=%ff%fe', headers: key });
    expect(query.statusCode).toBe(400);
    expect(query.json().error).toBe('BAD_REQUEST');
    expect(await store.size()).toBe(before);
  });

  it('answers 400, never 500, to a NUL byte in any text input', async () => {
    const nul = 'a\u0000b';
    const cases: [string, InjectOptions][] = [
      ['query actor', { url: trpcGet('query', { filter: { actor: nul } }), headers: key }],
      [
        'query resourceId',
        { url: trpcGet('query', { filter: { resourceId: nul } }), headers: key },
      ],
      [
        'query resourceType',
        { url: trpcGet('query', { filter: { resourceType: nul } }), headers: key },
      ],
      ['export download', { url: '/export?actor=a%00b', headers: key }],
      ['export resourceId', { url: '/export?resourceId=a%00b', headers: key }],
      ['signIn', signInWith({ email: nul, password: 'x' })],
      ['apiKeys.create', postAs('/trpc/apiKeys.create', { name: nul, scopes: ['log:read'] })],
      [
        'users.create',
        postAs('/trpc/users.create', {
          email: 'n@example.com',
          name: nul,
          role: 'auditor',
          password: 'long enough password',
        }),
      ],
      ['privacy.erasePerson', postAs('/trpc/privacy.erasePerson', { actor: nul })],
    ];
    for (const [name, request] of cases) {
      const response = await app.inject(request);
      expect(response.statusCode, name).toBe(400);
      expect(response.body, name).toContain('NUL');
    }
  });

  it('refuses bad export input over httpBatchStreamLink with BAD_REQUEST', async () => {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchStreamLink({ url: `${base}/trpc`, headers: key })],
    });
    const error = await client.export
      .query({ format: 'csv', filter: { actor: 'a\u0000b' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe('BAD_REQUEST');
  });

  it('records who wrote each event, which the caller cannot set, in the leaf and the export', async () => {
    const prefix = /^Bearer alk_([A-Za-z0-9]{12})_/.exec(key.authorization ?? '')?.[1];
    const forged = { ...event, actorId: 'root', actorType: 'user', action: 'auth.signed_in' };
    const posed = await post('/trpc/logAction', { ...forged, writer: 'server' });
    expect(posed.statusCode).toBe(400);
    expect(posed.body).toContain('writer');
    const sent = await post('/trpc/logAction', forged);
    const { id } = sent.json().result.data;
    const proof = (await app.inject({ url: trpcGet('integrity.get', { id }), headers: key })).json()
      .result.data;
    expect(proof.event.writer).toBe(`api_key:${prefix}`);
    expect(proof.contentMatches).toBe(true);
    // The server's own sign-in events say so.
    const own = await app.inject({
      url: trpcGet('query', { filter: { action: 'auth.signed_in' } }),
      headers: key,
    });
    const writers = own.json().result.data.events.map((e: { writer: string }) => e.writer);
    expect(writers).toEqual(expect.arrayContaining(['server', `api_key:${prefix}`]));
    const csv = (
      await app.inject({ url: '/export?format=csv&action=auth.signed_in', headers: key })
    ).body;
    const rows = parse(csv, { columns: true }) as { writer: string }[];
    expect(rows.map((r) => r.writer)).toEqual(
      expect.arrayContaining(['server', `api_key:${prefix}`]),
    );
  });

  it('refuses batches of auth.* mutations and batches over 20 calls', async () => {
    const signIns = Array.from({ length: 13 }, () => 'auth.signIn').join(',');
    const body = Object.fromEntries(
      Array.from({ length: 13 }, (_, i) => [i, { email: ADMIN.email, password: `guess ${i}` }]),
    );
    const batched = await post(`/trpc/${signIns}?batch=1`, body, {});
    expect(batched.statusCode).toBe(400);
    expect(batched.json().message).toMatch(/cannot be batched/);
    const many = Array.from({ length: 21 }, () => 'auth.me').join(',');
    expect(
      (await app.inject({ url: `/trpc/${many}?batch=1&input={}`, headers: key })).statusCode,
    ).toBe(400);
    const queries = Array.from({ length: 21 }, () => 'integrity.checkpoint').join(',');
    const tooMany = await app.inject({ url: `/trpc/${queries}?batch=1&input={}`, headers: key });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.body).toMatch(/batch/i);
  });

  it('answers an unexpected failure with a fixed message and an error id, even to anyone', async () => {
    // The sign-in limits' table is gone: a failure no input can explain.
    await testSql(db, 'ALTER TABLE "SignInLimit" RENAME TO "SignInLimitAway"');
    try {
      const response = await app.inject(signInWith({ email: 'x@example.com', password: 'pw' }));
      expect(response.statusCode).toBe(500);
      const body = response.json();
      expect(body.error.message).toMatch(
        /^Something went wrong on the server \(error id [0-9a-f-]{36}\)/,
      );
      expect(body.error.data.errorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.body).not.toMatch(LEAKS);
      expect(response.body).not.toContain('SignInLimit');
    } finally {
      await testSql(db, 'ALTER TABLE "SignInLimitAway" RENAME TO "SignInLimit"');
    }
  });

  it('answers every procedure a corpus of hostile inputs without a 500 or a leak', async () => {
    const corpus: unknown[] = [
      null,
      0,
      -1,
      1e308,
      'text',
      'a\u0000b',
      '\uD800',
      'x'.repeat(100_000),
      [],
      [null, 'a\u0000'],
      {},
      { id: 'not-a-uuid', filter: { actor: '\u0000' }, cursor: '\u0000' },
      { filter: { from: 'yesterday', to: '1970-01-01T00:00:00Z' }, limit: 1e9 },
      { actor: { nested: true }, email: ['x'], password: null, name: 1 },
      JSON.parse('{"__proto__":{"admin":true},"constructor":{"prototype":{}}}'),
      { ...event, metadata: { deep: JSON.parse(`${'['.repeat(500)}${']'.repeat(500)}`) } },
      { ...event, id: '00000000-0000-7000-8000-000000000000' },
      { from: 2 ** 53, to: -5 },
    ];
    const procedures = Object.entries(appRouter._def.procedures).filter(
      ([path]) => path !== 'auth.signOut',
    );
    // A subscription that is accepted streams for good: it is read over a real connection,
    // up to its first message, then dropped.
    const base = app.server.listening
      ? `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
      : await app.listen({ host: '127.0.0.1', port: 0 });
    const openStream = async (url: string, headers: Record<string, string>) => {
      const stop = new AbortController();
      const response = await fetch(`${base}${url}`, { headers, signal: stop.signal });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const first = await reader.read();
      stop.abort();
      return { statusCode: response.status, body: new TextDecoder().decode(first.value) };
    };
    for (const [path, procedure] of procedures) {
      const type = (procedure as { _def: { type: string } })._def.type;
      for (const input of corpus) {
        for (const headers of [key, session]) {
          const response =
            type === 'mutation'
              ? await post(`/trpc/${path}`, input, headers)
              : type === 'subscription'
                ? await openStream(trpcGet(path, input), headers)
                : await app.inject({ url: trpcGet(path, input), headers });
          const where = `${path} ${JSON.stringify(input)?.slice(0, 80)}`;
          expect(response.statusCode, where).toBeLessThan(500);
          expect(response.body, where).not.toMatch(LEAKS);
        }
      }
    }
    for (const query of ['format=xml', 'from=yesterday', 'action=%25', 'actor=', 'x=1']) {
      const response = await app.inject({ url: `/export?${query}`, headers: key });
      expect(response.statusCode, query).toBe(400);
      expect(response.body).not.toMatch(LEAKS);
    }
  }, 120_000);

  it('pauses sign-in from one address after 5 failures, says how many tries remain, and an admin unlocks it', async () => {
    const attempt = (password: string) => app.inject(signInWith({ email: ADMIN.email, password }));
    const first = await attempt('wrong 0');
    expect(first.statusCode).toBe(401);
    expect(first.json().error.message).toMatch(/4 tries left/);
    for (let i = 1; i < 5; i++) expect((await attempt(`wrong ${i}`)).statusCode).toBe(401);
    const paused = await attempt(ADMIN.password);
    expect(paused.statusCode).toBe(429);
    expect(paused.json().error.message).toMatch(/Try again in 15 minutes, or ask an admin/);
    const users = await app.inject({ url: '/trpc/users.list', headers: session });
    const root = users.json().result.data.find((u: { email: string }) => u.email === ADMIN.email);
    expect(Date.parse(root.signInBlockedUntil)).toBeGreaterThan(Date.now());
    expect((await app.inject(postAs('/trpc/users.unlockSignIn', { id: root.id }))).statusCode).toBe(
      200,
    );
    expect((await attempt(ADMIN.password)).statusCode).toBe(200);
    // Six password checks (scrypt, 128 MiB each): over 30 s while CI runs every suite.
  }, 120_000);

  function signInWith(credentials: unknown): InjectOptions {
    return {
      method: 'POST',
      url: '/trpc/auth.signIn',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(credentials),
    };
  }

  function postAs(url: string, payload: unknown): InjectOptions {
    return {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...session },
      payload: JSON.stringify(payload),
    };
  }
});
