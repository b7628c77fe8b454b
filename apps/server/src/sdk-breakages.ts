import type { ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '@auditlog/api';
import { type AuditClient, createAuditClient, type Receipt } from '@auditlog/client';
import { AccountStore, AuditStore, migrate, openDatabase } from '@auditlog/db';
import { createTestDatabase, type TestDatabase, testSql } from '@auditlog/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCode, freePort, startServer, waitForHealth } from './test-processes';

// The full size: about 8 seconds a breakage on two cores.
const EVENTS = 20_000;
const CLIENTS = 2;

/**
 * Breaks something while events flow, and answers the server process that serves
 * afterwards (`restart` starts a new one, for a breakage that killed it).
 */
export type Breakage = (scene: {
  server: ChildProcess;
  restart: () => Promise<ChildProcess>;
  db: TestDatabase;
}) => Promise<ChildProcess>;

/**
 * What the SDK promises when things break: every event it reported delivered is stored
 * exactly once, none is missing, and the tree verifies, though `breakage` struck three
 * times mid-stream (the server on PostgreSQL, one process, two SDK clients).
 */
export function sendThroughBreakages(name: string, breakage: Breakage): void {
  describe(`two SDK clients while ${name} three times`, () => {
    let db: TestDatabase;
    let apiKey: string;
    let port: number;
    let env: Record<string, string>;

    beforeAll(async () => {
      db = await createTestDatabase('postgres');
      const opened = await openDatabase({ url: db.url });
      await migrate(opened);
      apiKey = (
        await createApiKey(new AccountStore(opened), {
          name: 'sdk',
          scopes: ['log:write'],
          createdBy: null,
        })
      ).secret;
      await opened.close();
      port = await freePort();
      const dir = await mkdtemp(join(tmpdir(), 'sdk-crash-'));
      env = {
        DATABASE_URL: db.url as string,
        PORT: String(port),
        WORKERS: '1',
        SIGNING_KEY_FILE: join(dir, 'signing-key.pem'),
        RETENTION_INTERVAL_MINUTES: '0',
      };
    });
    afterAll(async () => {
      await db.drop();
    });

    async function serve(): Promise<ChildProcess> {
      const child = startServer(env);
      await waitForHealth(`http://127.0.0.1:${port}/healthz`, child);
      return child;
    }

    it('stores every delivered event exactly once, misses none, and the tree verifies', async () => {
      let server = await serve();
      const clients: AuditClient[] = Array.from({ length: CLIENTS }, () =>
        createAuditClient({
          url: `http://127.0.0.1:${port}`,
          apiKey,
          maxBatch: 200,
          retry: { baseMs: 50, maxMs: 500 },
        }),
      );
      const receipts: Receipt[] = [];
      const sending = clients.map(async (client, c) => {
        for (let i = 0; i < EVENTS / CLIENTS; i++) {
          receipts.push(
            client.logAction({
              actorId: `client-${c}`,
              action: 'load.tested',
              metadata: { c, i },
            }),
          );
          // Send at a pace the breakages land in the middle of.
          if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 15));
        }
      });
      const delivered = () => clients.reduce((n, c) => n + c.stats().delivered, 0);
      for (let round = 1; round <= 3; round++) {
        while (delivered() < (EVENTS * round) / 4) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        server = await breakage({ server, restart: serve, db });
      }
      await Promise.all(sending);
      const results = await Promise.all(receipts);
      const stats = await Promise.all(clients.map((c) => c.close()));
      expect(stats.reduce((n, s) => n + s.retries, 0)).toBeGreaterThan(0);
      expect(stats.reduce((n, s) => n + s.dropped + s.refused + s.abandoned, 0)).toBe(0);

      const rows = await testSql<{ id: string; n: number }>(
        db,
        `SELECT id::text, count(*)::int AS n FROM "AuditLog" WHERE action = 'load.tested' GROUP BY id`,
      );
      expect(rows.filter((r) => r.n > 1)).toEqual([]);
      const stored = new Set(rows.map((r) => r.id));
      expect(results.filter((r) => !stored.has(r.id))).toEqual([]);
      expect(stored.size).toBe(EVENTS);

      server.kill('SIGTERM');
      await exitCode(server);
      const opened = await openDatabase({ url: db.url });
      const store = new AuditStore(opened);
      try {
        await store.integrated();
        expect(await store.verify()).toMatchObject({ ok: true });
      } finally {
        await store.close();
        await opened.close();
      }
    }, 180_000);
  });
}
