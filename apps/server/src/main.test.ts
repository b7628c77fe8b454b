import { mkdtemp, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '@auditlog/api';
import { AccountStore, AuditStore, migrate, openDatabase } from '@auditlog/db';
import { createTestDatabase, tamper } from '@auditlog/db/testing';
import { describe, expect, it } from 'vitest';
import { exitCode, freePort, startServer, waitForHealth } from './test-processes';

/** Signs in as the first admin and makes a log:write key, as an operator would. */
async function apiKeyFor(base: string, email: string, password: string): Promise<string> {
  const post = (path: string, body: unknown, cookie = '') =>
    fetch(`${base}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(body),
    });
  const signIn = await post('auth.signIn', { email, password });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await post(
    'apiKeys.create',
    { name: 'load test', scopes: ['log:write'] },
    cookie,
  );
  const body = (await created.json()) as { result: { data: { secret: string } } };
  return `Bearer ${body.result.data.secret}`;
}

describe('the server process', () => {
  it('exits with a clear message when PostgreSQL cannot be reached', async () => {
    const port = await freePort();
    const started = Date.now();
    const child = startServer({
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/audit`,
      DATA_DIR: await mkdtemp(join(tmpdir(), 'audit-down-')),
    });
    expect(await exitCode(child)).toBe(1);
    expect(child.output()).toContain(`cannot reach PostgreSQL at 127.0.0.1:${port}/audit`);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('exits naming the bad setting when the configuration is invalid', async () => {
    const child = startServer({ PORT: '70000' });
    expect(await exitCode(child)).toBe(1);
    expect(child.output()).toContain('invalid configuration');
    expect(child.output()).toContain('PORT="70000"');
  });

  it('keeps every acknowledged event when stopped with SIGTERM under load', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'audit-shutdown-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = startServer({
      DATA_DIR: dataDir,
      PORT: String(port),
      ADMIN_EMAIL: 'admin@example.com',
      ADMIN_PASSWORD: 'correct horse battery staple',
    });
    await waitForHealth(`${base}/healthz`, child);
    const authorization = await apiKeyFor(
      base,
      'admin@example.com',
      'correct horse battery staple',
    );

    const acknowledged: string[] = [];
    const send = async (i: number) => {
      const response = await fetch(`${base}/trpc/logAction`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({
          actorId: `u${i}`,
          actorEmail: 'load@example.com',
          action: 'load.tested',
        }),
      }).catch(() => undefined);
      if (response?.ok) {
        const body = (await response.json()) as { result: { data: { id: string } } };
        acknowledged.push(body.result.data.id);
      }
    };
    // Writers keep sending until the server stops answering; SIGTERM lands mid-stream.
    let writing = 8;
    const writers = Array.from({ length: writing }, async (_, w) => {
      for (let i = 0; child.exitCode === null && i < 2000; i++) await send(w * 10_000 + i);
      writing--;
    });
    while (acknowledged.length < 100 && child.exitCode === null && writing > 0) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGTERM');
    await Promise.all(writers);
    expect(await exitCode(child)).toBe(0);
    expect(acknowledged.length).toBeGreaterThanOrEqual(100);

    const db = await openDatabase({ dataDir });
    const store = new AuditStore(db);
    try {
      const stored = new Set<string>();
      for await (const events of store.scan({ action: 'load.tested' })) {
        for (const e of events) stored.add(e.id);
      }
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      // The tree is whole, and the checkpoint signed on the way out covers every event.
      expect(await store.verify()).toMatchObject({ ok: true });
      expect((await store.latestCheckpoint())?.treeSize).toBe(await store.size());
    } finally {
      await store.close();
      await db.close();
    }
  }, 120_000);

  it('starts on a damaged log, keeps accepting events and reports the tree stalled', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'audit-damaged-'));
    const db = await openDatabase({ dataDir });
    await migrate(db);
    const { secret } = await createApiKey(new AccountStore(db), {
      name: 'writer',
      scopes: ['log:write'],
      createdBy: null,
    });
    // The log head counts an event whose row is gone: the tree cannot go past it.
    await tamper(db, 'UPDATE "LogHead" SET size = size + 1');
    await db.close();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = startServer({ DATA_DIR: dataDir, PORT: String(port) });
    await waitForHealth(`${base}/healthz`, child);
    expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ tree: 'stalled' });
    expect(child.output()).toContain('No new checkpoint: cannot extend the Merkle tree');
    const logged = await fetch(`${base}/trpc/logAction`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ actorId: 'u1', actorEmail: 'a@example.com', action: 'still.logged' }),
    });
    expect(logged.ok).toBe(true);
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);

    const reopened = await openDatabase({ dataDir });
    const store = new AuditStore(reopened);
    try {
      expect((await store.query({ action: 'still.logged' }, { limit: 1 })).events).toHaveLength(1);
      expect(await store.verify()).toMatchObject({
        ok: false,
        problem: { seq: 0, reason: expect.stringContaining('event 0 is missing') },
      });
    } finally {
      await store.close();
      await reopened.close();
    }
  }, 120_000);

  it('runs WORKERS processes on PostgreSQL that act as one server, and stop together', async () => {
    const database = await createTestDatabase('postgres');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = startServer({
      DATABASE_URL: database.url ?? '',
      WORKERS: '2',
      DATA_DIR: await mkdtemp(join(tmpdir(), 'audit-workers-')),
      PORT: String(port),
      ADMIN_EMAIL: 'admin@example.com',
      ADMIN_PASSWORD: 'correct horse battery staple',
    });
    try {
      await waitForHealth(`${base}/healthz`, child);
      await expect.poll(() => child.output()).toContain('2 processes');
      expect(await workerPids(child.pid ?? 0)).toHaveLength(2);

      // Each request on a new connection: the primary hands them to the workers in turn.
      const authorization = await apiKeyFor(
        base,
        'admin@example.com',
        'correct horse battery staple',
      );
      const statuses = [];
      for (let i = 0; i < 6; i++) {
        statuses.push(
          (
            await onNewConnection(`${base}/trpc/logAction`, authorization, {
              actorId: `u${i}`,
              actorEmail: 'w@example.com',
              action: 'workers.tested',
            })
          ).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);

      child.kill('SIGTERM');
      expect(await exitCode(child)).toBe(0);
      const db = await openDatabase({ url: database.url });
      const store = new AuditStore(db);
      try {
        expect(
          (await store.query({ action: 'workers.tested' }, { limit: 10 })).events,
        ).toHaveLength(6);
        expect(await store.verify()).toMatchObject({ ok: true });
        expect((await store.latestCheckpoint())?.treeSize).toBe(await store.size());
      } finally {
        await store.close();
        await db.close();
      }
    } finally {
      await database.drop();
    }
  }, 120_000);
});

/**
 * The server processes a primary started (Linux: read from /proc). Only those running the
 * server's entry count: tsx, which runs the server here, may have an esbuild process of its
 * own beside them while its cache of compiled files is cold.
 */
async function workerPids(primary: number): Promise<number[]> {
  const children = await readFile(`/proc/${primary}/task/${primary}/children`, 'utf8');
  const pids = children.trim().split(/\s+/).filter(Boolean).map(Number);
  const commands = await Promise.all(
    pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')),
  );
  return pids.filter((_, i) => commands[i]?.includes('main.ts'));
}

/** A POST on a connection of its own (no keep-alive), answered with its status and body. */
function onNewConnection(
  url: string,
  authorization: string,
  body: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', authorization },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
