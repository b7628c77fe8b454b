import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditClient, createAuditClient } from '@auditlog/client';
import { createOutboxRelay } from '@auditlog/client/prisma';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditServer, startAuditServer } from './audit-server';
import { type HostDatabase, openDatabase } from './database';
import { hashPassword } from './router';
import { buildHostApp } from './server';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A fresh PostgreSQL database for the host, dropped afterwards. */
async function hostDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `example_host_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: ADMIN_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

interface LoggedEvent {
  id: string;
  actorId: string;
  action: string;
  outcome: string;
  resourceId: string | null;
  metadata: Record<string, unknown> | null;
  changes: { before?: Record<string, unknown>; after?: Record<string, unknown> } | null;
}

describe.each(['pglite', 'postgres'] as const)('the example host app on %s', (driver) => {
  let audit: AuditServer;
  let sdk: AuditClient;
  let db: HostDatabase;
  let host: Awaited<ReturnType<typeof buildHostApp>>;
  let dropHostDatabase = async () => {};
  let token: string;

  beforeAll(async () => {
    audit = await startAuditServer(
      await mkdtemp(join(tmpdir(), 'example-audit-')),
      await freePort(),
    );
    sdk = createAuditClient({ url: audit.url, apiKey: audit.apiKey });
    if (driver === 'postgres') {
      const hostDb = await hostDatabaseUrl();
      dropHostDatabase = hostDb.drop;
      db = await openDatabase({ url: hostDb.url });
    } else {
      db = await openDatabase({});
    }
    await db.prisma.user.create({
      data: {
        id: 'usr_ada',
        email: 'ada@example.com',
        name: 'Ada',
        passwordHash: hashPassword('correct horse'),
      },
    });
    host = await buildHostApp(sdk, db.prisma);
    const login = await host.app.inject({
      method: 'POST',
      url: '/login',
      payload: { email: 'ada@example.com', password: 'correct horse' },
    });
    token = login.json<{ token: string }>().token;
  });
  afterAll(async () => {
    await host?.app.close();
    await sdk?.close({ timeoutMs: 2000 });
    await db?.close();
    await audit?.stop();
    await dropHostDatabase();
  });

  const call = (procedure: string, input: unknown) =>
    host.app.inject({
      method: 'POST',
      url: `/trpc/${procedure}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(input),
    });
  const relay = () => createOutboxRelay(sdk, db.prisma).drain();

  /** Every event in the audit log matching `filter`, through its API, oldest first. */
  async function logged(filter: Record<string, unknown>): Promise<LoggedEvent[]> {
    await sdk.flush();
    const events: LoggedEvent[] = [];
    let cursor: string | undefined;
    do {
      const input = encodeURIComponent(
        JSON.stringify({ filter, limit: 200, cursor, order: 'oldest' }),
      );
      const response = await fetch(`${audit.url}/trpc/query?input=${input}`, {
        headers: { authorization: `Bearer ${audit.apiKey}` },
      });
      const page = (
        (await response.json()) as {
          result: { data: { events: LoggedEvent[]; nextCursor?: string } };
        }
      ).result.data;
      events.push(...page.events);
      cursor = page.nextCursor;
    } while (cursor);
    return events;
  }

  it('records sign-in, each mutation with its outcome, and a failing one as a failure', async () => {
    const created = await call('invoice.create', {
      number: '1',
      customer: 'acme',
      amountCents: 4200,
    });
    const { id } = created.json<{ result: { data: { id: string } } }>().result.data;
    expect((await call('invoice.refund', { id })).statusCode).toBe(200);
    expect((await call('invoice.refund', { id })).statusCode).toBe(409);
    await relay();

    const events = await logged({ actor: 'usr_ada' });
    const byAction = (action: string) => events.filter((e) => e.action === action);
    expect(byAction('auth.signed_in')).toHaveLength(1);
    expect(byAction('invoice.refunded').map((e) => [e.outcome, e.metadata?.error ?? null])).toEqual(
      [
        ['success', null],
        ['failure', 'CONFLICT'],
      ],
    );
    // The data changes, from the outbox, name the same actor: one creation, one update.
    expect(byAction('invoice.created').map((e) => e.outcome)).toEqual(['success', 'success']);
    expect(byAction('invoice.updated')).toEqual([
      expect.objectContaining({
        resourceId: id,
        changes: { before: { status: 'draft' }, after: { status: 'refunded' } },
      }),
    ]);
  });

  it('never lets a password or a card number reach the log', async () => {
    await call('invoice.create', {
      number: '2',
      customer: 'acme',
      amountCents: 100,
      cardNumber: '4242 4242 4242 4242',
    });
    await call('user.changePassword', { password: 'S3cret-Passw0rd!' });
    await relay();
    const events = await logged({});
    const text = JSON.stringify(events);
    expect(text).not.toContain('S3cret');
    expect(text).not.toContain(hashPassword('S3cret-Passw0rd!'));
    expect(text).not.toContain('4242 4242');
    // That the password changed is recorded, as "[changed]".
    expect(events.find((e) => e.action === 'user.updated')?.changes).toEqual({
      before: { passwordHash: '[changed]' },
      after: { passwordHash: '[changed]' },
    });
  });

  it('records an updateMany of 500 invoices as 500 changes', async () => {
    await db.prisma.invoice.createMany({
      data: Array.from({ length: 500 }, (_, i) => ({
        id: `bulk_${i}`,
        number: `B-${i}`,
        customer: 'bulk-co',
        amountCents: i,
      })),
    });
    const marked = await call('invoice.markAllPaid', { customer: 'bulk-co' });
    expect(marked.json<{ result: { data: { count: number } } }>().result.data.count).toBe(500);
    await relay();
    const updated = (await logged({ action: 'invoice.updated' })).filter((e) =>
      e.resourceId?.startsWith('bulk_'),
    );
    expect(updated).toHaveLength(500);
    expect(updated.every((e) => e.actorId === 'usr_ada')).toBe(true);
    expect(updated[0]?.changes).toEqual({ before: { status: 'draft' }, after: { status: 'paid' } });
  });

  it('keeps the actor in a background job', async () => {
    await call('report.generate', { customer: 'acme' });
    await host.jobs.idle();
    expect(await logged({ action: 'report.completed' })).toEqual([
      expect.objectContaining({ actorId: 'usr_ada', resourceId: 'acme' }),
    ]);
  });

  it('loses no change and doubles none across a crash between the change and its delivery', async () => {
    await call('invoice.create', { number: '3', customer: 'crash-co', amountCents: 1 });
    // The relay delivered the event but died before deleting it from the outbox: the row
    // is still there when the next relay starts.
    const [row] = await db.prisma.$queryRawUnsafe<{ id: string; entry: unknown }[]>(
      `SELECT id::text, entry FROM "AuditOutbox"`,
    );
    await relay();
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "AuditOutbox" (id, entry) VALUES ($1::uuid, $2::jsonb)`,
      row?.id,
      JSON.stringify(row?.entry),
    );
    await relay();
    const created = (await logged({ action: 'invoice.created' })).filter((e) => e.id === row?.id);
    expect(created).toHaveLength(1);
    const [left] = await db.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "AuditOutbox"`,
    );
    expect(left?.n).toBe(0);
  });
});
