import { once } from 'node:events';
import { connect } from 'node:net';
import type { AccountStore, AuditStore } from '@auditlog/db';
import { createTestDatabase, type TestDatabase } from '@auditlog/db/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app';
import { bearerWith, testServices } from './test-services';

describe('the server under abuse', () => {
  let db: TestDatabase;
  let store: AuditStore;
  let app: FastifyInstance;
  let port: number;
  let writer: Record<string, string>;
  let accounts: AccountStore;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    const test = testServices(db);
    store = test.store;
    accounts = test.accounts;
    writer = await bearerWith(accounts, ['log:write', 'log:read']);
    app = await buildApp({
      services: test.services,
      allowedHosts: ['localhost', '127.0.0.1'],
      timeouts: { headersMs: 1_000, requestMs: 2_000 },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await db?.drop();
  });

  /** Sends `head` at once and then `trickle` a byte every 500 ms; resolves when closed. */
  async function slowClient(head: string, trickle = ''): Promise<{ answer: string; ms: number }> {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => {
      answer += d;
    });
    socket.on('error', () => {});
    socket.write(head);
    const timer = setInterval(() => {
      if (trickle && !socket.destroyed) socket.write(trickle);
    }, 500);
    await once(socket, 'close');
    clearInterval(timer);
    return { answer, ms: Date.now() - started };
  }

  it('closes a connection whose headers never finish', async () => {
    const { ms } = await slowClient('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 'a');
    // Closed by the server (the client never stops on its own), within the bound + a check.
    expect(ms).toBeLessThan(10_000);
  });

  it('answers 408 to a body sent a byte at a time, and closes', async () => {
    const { answer } = await slowClient(
      `POST /trpc/logAction HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nAuthorization: ${writer.authorization}\r\n\r\n`,
      ' ',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('refuses an unauthenticated body beyond what signing in needs, before reading it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/trpc/logAction',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ padding: 'x'.repeat(100_000) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      error: 'PAYLOAD_TOO_LARGE',
      message: 'this request may carry at most 16,384 bytes',
    });
  });

  it('bounds a body by the largest valid request of what it calls', async () => {
    const huge = `{${Array.from({ length: 1_000_000 }, (_, i) => `"k${i}":1`).join(',')}}`;
    const event = (metadata: string) =>
      `{"actorId":"a","actorEmail":"","actorType":"service","action":"doc.viewed","metadata":${metadata}}`;
    const one = await app.inject({
      method: 'POST',
      url: '/trpc/logAction',
      headers: { 'content-type': 'application/json', ...writer },
      payload: event(huge),
    });
    expect(one.statusCode).toBe(413);
    expect(one.json().message).toBe('this request may carry at most 131,072 bytes');
    // A logMany may be larger; metadata past its own limit is refused by size first.
    const many = await app.inject({
      method: 'POST',
      url: '/trpc/logMany',
      headers: { 'content-type': 'application/json', ...writer },
      payload: `[${event(huge)}]`,
    });
    expect(many.statusCode).toBe(400);
    expect(many.json().error.message).toMatch(/bytes of JSON; the limit is 16384/);
  });

  it('answers only for its own host names (DNS rebinding)', async () => {
    const evil = await app.inject({ url: '/trpc/auth.me', headers: { host: 'evil.example' } });
    expect(evil.statusCode).toBe(403);
    expect(evil.json().message).toBe('this server does not answer for the host evil.example');
    const own = await app.inject({ url: '/trpc/auth.me', headers: { host: `localhost:${port}` } });
    expect(own.statusCode).toBe(200);
  });

  it('keeps answers out of caches, and sends HSTS only when serving HTTPS', async () => {
    const me = await app.inject({
      url: '/trpc/auth.me',
      headers: { host: 'localhost', ...writer },
    });
    expect(me.headers['cache-control']).toBe('no-store');
    expect(me.headers['strict-transport-security']).toBeUndefined();
    const secure = await buildApp({ services: testServices(db).services, cookieSecure: true });
    expect((await secure.inject({ url: '/healthz' })).headers['strict-transport-security']).toMatch(
      /max-age=\d+/,
    );
    await secure.close();
  });

  it('records an export only when its body starts, never for HEAD or a refused call', async () => {
    const exports = async () =>
      (await store.query({ action: 'log.exported' }, { limit: 100 })).events.length;
    const reader = await bearerWith(accounts, ['log:export']);
    const before = await exports();
    const head = await app.inject({
      method: 'HEAD',
      url: '/export',
      headers: { host: 'localhost', ...reader },
    });
    expect(head.statusCode).toBe(404);
    // Without the streaming link tRPC cannot send a stream: nothing was exported.
    const plain = await app.inject({
      url: `/trpc/export?input=${encodeURIComponent(JSON.stringify({ format: 'csv' }))}`,
      headers: { host: 'localhost', ...reader },
    });
    expect(plain.statusCode).toBeGreaterThanOrEqual(400);
    expect(await exports()).toBe(before);
    const download = await app.inject({
      url: '/export',
      headers: { host: 'localhost', ...reader },
    });
    expect(download.statusCode).toBe(200);
    expect(await exports()).toBe(before + 1);
  });
});
