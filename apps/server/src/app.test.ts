import type { KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppRouter } from '@auditlog/api';
import { verifyCheckpointSignature } from '@auditlog/audit';
import type { AuditStore } from '@auditlog/db';
import { createTestDatabase, TEST_DRIVERS, type TestDatabase, tamper } from '@auditlog/db/testing';
import {
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  TRPCClientError,
} from '@trpc/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app';
import { bearerWith, testServices } from './test-services';

const entry = {
  actorId: 'usr_1',
  actorEmail: 'grace@example.com',
  action: 'billing.plan_changed',
  resourceType: 'workspace',
  resourceId: 'ws_1',
  metadata: { oldPlan: 'team', newPlan: 'enterprise' },
  ip: '2001:db8::1',
};

let publicKey: KeyObject;

describe.each(TEST_DRIVERS)('the HTTP server on %s', (driver) => {
  let db: TestDatabase;
  let store: AuditStore;
  let app: FastifyInstance;
  let base: string;
  let auth: { authorization: string };
  beforeAll(async () => {
    db = await createTestDatabase(driver);
    const test = testServices(db);
    store = test.store;
    publicKey = test.publicKey;
    auth = await bearerWith(test.accounts, ['log:write', 'log:read', 'log:export']);
    app = await buildApp({ services: test.services });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await db?.drop();
  });

  it('round-trips logAction and query through the typed tRPC client over HTTP', async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${base}/trpc`, headers: auth })],
    });
    const logged = await client.logAction.mutate(entry);
    const page = await client.query.query({ filter: { actor: 'grace@example.com' } });
    expect(page.events).toEqual([expect.objectContaining({ ...entry, id: logged.id })]);
  });

  it('streams an export through the tRPC client', async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchStreamLink({ url: `${base}/trpc`, headers: auth })],
    });
    let json = '';
    for await (const chunk of await client.export.query({
      format: 'json',
      filter: { action: 'billing.*' },
    })) {
      json += chunk;
    }
    expect(JSON.parse(json)).toEqual([expect.objectContaining(entry)]);
  });

  it('answers bad input with BAD_REQUEST, the zod issues and no stack trace', async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${base}/trpc`, headers: auth })],
    });
    const before = await store.size();
    const error = await client.logAction
      .mutate({ ...entry, action: 'Plan Changed', metadata: { x: 'a\u0000' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<AppRouter>).data;
    expect(data?.code).toBe('BAD_REQUEST');
    expect(data?.httpStatus).toBe(400);
    expect(data?.issues?.map((i) => i.path)).toEqual([['action'], ['metadata', 'x']]);
    expect(data).not.toHaveProperty('stack');
    expect((error as Error).message).toContain('must look like domain.verb_past');
    expect(await store.size()).toBe(before);
  });

  it('downloads a filtered CSV as an attachment', async () => {
    const response = await fetch(`${base}/export?format=csv&action=billing.plan_changed`, {
      headers: auth,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="audit-log_start_to_\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.csv"$/,
    );
    const lines = (await response.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('grace@example.com');
    const [recorded] = (await store.query({ action: 'log.exported' }, { limit: 1 })).events;
    expect(recorded).toMatchObject({
      actorType: 'service',
      ip: '127.0.0.1',
      metadata: { format: 'csv', filter: { action: 'billing.plan_changed' } },
    });
  });

  it('refuses a bad export request with 400 and says which parameter is wrong', async () => {
    const response = await fetch(`${base}/export?format=xml&from=yesterday`, { headers: auth });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; issues: { path: string[] }[] };
    expect(body.error).toBe('BAD_REQUEST');
    expect(body.issues.map((i) => i.path.join('.')).sort()).toEqual(['filter.from', 'format']);
  });

  it('serves the latest signed checkpoint and the public key as downloads', async () => {
    const response = await fetch(`${base}/checkpoint.json`, { headers: auth });
    expect(response.headers.get('content-disposition')).toMatch(/checkpoint-\d+\.json/);
    const checkpoint = await response.json();
    expect(
      verifyCheckpointSignature(
        checkpoint as never,
        await (await fetch(`${base}/public-key.pem`)).text(),
      ),
    ).toBe(true);
    expect(verifyCheckpointSignature(checkpoint as never, publicKey)).toBe(true);
  });

  it('streams new matching events to a live tail over SSE, each with its seq as its id', async () => {
    const last = (await store.size()) - 1;
    const input = encodeURIComponent(
      JSON.stringify({ filter: { q: 'action:tail.*' }, lastEventId: String(last) }),
    );
    const stop = new AbortController();
    const response = await fetch(`${base}/trpc/tail?input=${input}`, {
      headers: auth,
      signal: stop.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${base}/trpc`, headers: auth })],
    });
    await client.logAction.mutate({ ...entry, action: 'doc.viewed' });
    const logged = await client.logAction.mutate({ ...entry, action: 'tail.tested' });
    let text = '';
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    while (!text.includes('tail.tested')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    stop.abort();
    expect(text).toContain(`id: ${logged.seq}`);
    expect(text).not.toContain('doc.viewed');
  });

  it('reports health with the database in use', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(await response.json()).toEqual({ status: 'ok', database: driver, tree: 'ok' });
  });

  it('reports a tree that cannot follow the log, and says why to a signed-in reader', async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${base}/trpc`, headers: auth })],
    });
    const health = async () =>
      ((await (await fetch(`${base}/healthz`)).json()) as { tree: string }).tree;
    const moveHead = (by: number) => tamper(db, `UPDATE "LogHead" SET size = size + ${by}`);
    // The log head counts an event that is not there, as if its row had been deleted.
    const size = await store.size();
    await moveHead(1);
    await expect(store.integrated()).rejects.toThrow(`event ${size} is missing`);
    expect(await health()).toBe('stalled');
    expect((await client.integrity.checkpoint.query()).tree).toEqual({
      logSize: size + 1,
      treeSize: size,
      failure: expect.stringContaining(`event ${size} is missing`),
    });

    await moveHead(-1);
    await store.integrated();
    expect(await health()).toBe('ok');
  });
});

describe('the dashboard files', () => {
  let db: TestDatabase;
  let store: AuditStore;
  let app: FastifyInstance;
  beforeAll(async () => {
    const webDist = await mkdtemp(join(tmpdir(), 'web-dist-'));
    await mkdir(join(webDist, 'assets'));
    await writeFile(join(webDist, 'index.html'), '<!doctype html><title>Audit log</title>');
    await writeFile(join(webDist, 'assets', 'index-new.js'), 'console.log(1)');
    db = await createTestDatabase('pglite');
    const test = testServices(db);
    store = test.store;
    app = await buildApp({ services: test.services, webDist });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await db?.drop();
  });

  it('answers a page route with the app, and a missing asset with 404 rather than the page', async () => {
    const page = await app.inject({ url: '/users?role=admin' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Audit log</title>');
    expect((await app.inject({ url: '/assets/index-new.js' })).statusCode).toBe(200);
    // An open tab from before a rebuild asks for the old build's files.
    const stale = await app.inject({ url: '/assets/index-old.js' });
    expect(stale.statusCode).toBe(404);
    expect(stale.body).not.toContain('<title>');
    expect((await app.inject({ url: '/favicon.png' })).statusCode).toBe(404);
  });
});
