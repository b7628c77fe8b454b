import { generateKeyPairSync } from 'node:crypto';
import { auditEntrySchema, newEventId, type RetentionPolicy } from '@auditlog/audit';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../database';
import { TEST_DRIVERS, tamper, testSql } from '../test-databases';
import { useTestStore } from '../test-store';
import { RetentionBusyError } from './retention-run';
import { RetentionStore } from './retention-store';

const DAY = 86_400_000;
const NOW = new Date('2026-11-29T12:00:00.000Z');
const ago = (days: number, ms = 0) => new Date(NOW.getTime() - days * DAY + ms);

const event = (at: Date, action = 'doc.edited', more: Record<string, unknown> = {}) =>
  auditEntrySchema.parse({
    id: newEventId(at),
    actorId: 'u_1',
    actorEmail: 'ada@example.com',
    action,
    ...more,
  });

const POLICY: RetentionPolicy = {
  defaultDays: 90,
  overrides: [
    { action: 'auth.*', days: 400 },
    { action: 'auth.sign_in_failed', days: 100 },
    { actorType: 'service', days: 10 },
  ],
  archive: false,
};

describe.each(TEST_DRIVERS)('retention on a fresh %s database', (driver) => {
  const t = useTestStore(driver);

  it('deletes nothing, and nothing under the default keep-everything policy', async () => {
    const store = new RetentionStore(t.db);
    expect(await store.run({ dryRun: false, now: NOW })).toMatchObject({
      status: 'done',
      deleted: 0,
      partitionsDropped: [],
    });
    await t.store.append([event(ago(3000))]);
    await t.store.integrated();
    await t.store.issueCheckpoint(generateKeyPairSync('ed25519').privateKey);
    expect((await store.run({ dryRun: false, now: NOW })).deleted).toBe(0);
    expect(await store.preview(await store.policy(), NOW)).toMatchObject({
      deleted: 0,
      months: [],
    });
  });
});

describe.each(TEST_DRIVERS)('retention on %s', (driver) => {
  const t = useTestStore(driver);
  const { privateKey } = generateKeyPairSync('ed25519');
  const retention = () => new RetentionStore(t.db);
  const checkpoint = async () => {
    await t.store.integrated();
    return t.store.issueCheckpoint(privateKey);
  };
  const remaining = async () =>
    (
      await testSql<{ action: string; at: Date }>(
        t.db,
        'SELECT action, "createdAt" AS at FROM "AuditLog" ORDER BY seq',
      )
    ).map((r) => `${r.action}@${r.at.toISOString().slice(0, 10)}`);

  it('expires by the order of precedence, drops whole months, keeps held events, and proofs still verify', async () => {
    const store = retention();
    await store.setPolicy(POLICY);
    await t.store.append([
      // May: every event past the default 90 days, so the month is dropped whole; June
      // keeps an auth event (400 days) and a held one, so it is deleted row by row.
      event(new Date('2026-05-03T00:00:00Z')),
      event(new Date('2026-06-10T00:00:00Z'), 'auth.signed_in'),
      // Numbered among June's, as a late event is: May's seqs are not one run.
      event(new Date('2026-05-20T00:00:00Z'), 'doc.viewed'),
      event(new Date('2026-06-11T00:00:00Z')),
      // The default's boundary: one millisecond past 90 days goes, exactly 90 days or
      // one millisecond inside stays.
      event(ago(90, -1)),
      event(ago(90)),
      event(ago(90, 1)),
      // An exact override beats a prefix: failed sign-ins go after 100 days, others 400.
      event(ago(150), 'auth.sign_in_failed'),
      event(ago(150), 'auth.signed_in'),
      // Actor type: services after 10 days.
      event(ago(20), 'doc.edited', { actorType: 'service', actorId: 'svc' }),
      event(ago(20)),
      // Held: kept though long expired.
      event(new Date('2026-06-12T00:00:00Z'), 'doc.edited', {
        actorId: 'held',
        actorEmail: 'Held@Example.com',
      }),
    ]);
    await store.placeHold({
      reason: 'litigation 2026-17',
      criteria: { actor: 'held@example.com' },
      placedBy: 'user:test',
    });
    const before = await checkpoint();

    const preview = await store.preview(POLICY, NOW);
    expect(preview).toMatchObject({ deleted: 6, held: 1, oldest: '2026-05-03T00:00:00.000Z' });
    expect(preview.months).toEqual([
      { month: '2026-05', deleted: 2, whole: true },
      { month: '2026-06', deleted: 1, whole: false },
      { month: '2026-07', deleted: 1, whole: false },
      { month: '2026-08', deleted: 1, whole: false },
      { month: '2026-11', deleted: 1, whole: false },
    ]);

    const dry = await store.run({ dryRun: true, now: NOW });
    expect(dry).toMatchObject({ dryRun: true, deleted: 6, partitionsDropped: [] });
    expect(await remaining()).toHaveLength(12);

    const run = await store.run({ dryRun: false, now: NOW });
    expect(run).toMatchObject({
      status: 'done',
      deleted: 6,
      partitionsDropped: ['AuditLog_y2026m05'],
      checkpoint: { treeSize: before.treeSize },
    });
    expect(run.byAction).toEqual({ 'doc.edited': 4, 'doc.viewed': 1, 'auth.sign_in_failed': 1 });
    expect(await remaining()).toEqual([
      'auth.signed_in@2026-06-10',
      `doc.edited@${ago(90).toISOString().slice(0, 10)}`,
      `doc.edited@${ago(90, 1).toISOString().slice(0, 10)}`,
      `auth.signed_in@${ago(150).toISOString().slice(0, 10)}`,
      `doc.edited@${ago(20).toISOString().slice(0, 10)}`,
      'doc.edited@2026-06-12',
    ]);
    expect(run.ranges.reduce((n, [a, b]) => n + b - a + 1, 0)).toBe(6);

    // The tree, every checkpoint (the one from before the run too) and the kept events
    // still verify; the pruned events are accounted for, by run.
    const verified = await t.store.verify();
    expect(verified).toMatchObject({ ok: true, pruned: { events: 6, runs: [run.id] } });

    // A second run finds nothing more to do.
    expect((await store.run({ dryRun: false, now: NOW })).deleted).toBe(0);
  });

  it('still finds a row deleted behind the log’s back right beside a pruned one', async () => {
    const [first] = await testSql<{ seq: string }>(
      t.db,
      'SELECT min("fromSeq")::text AS seq FROM "PrunedRange" WHERE "fromSeq" > 0',
    );
    const [neighbour] = await testSql<{ seq: string }>(
      t.db,
      `SELECT seq::text FROM "AuditLog" WHERE seq < $1 ORDER BY seq DESC LIMIT 1`,
      [Number(first?.seq)],
    );
    await tamper(t.db, `DELETE FROM "AuditLog" WHERE seq = ${Number(neighbour?.seq)}`);
    const verified = await t.store.verify();
    expect(verified.ok).toBe(false);
    expect(verified.problem).toEqual({
      seq: Number(neighbour?.seq),
      reason: `event ${neighbour?.seq} is missing`,
    });
  });

  it('runs one at a time, and takes over a run whose process died', async () => {
    const store = retention();
    // On PostgreSQL the second run comes from another process's connections.
    const other = driver === 'postgres' ? await openDatabase({ url: t.db.url }) : t.db;
    try {
      const results = await Promise.allSettled([
        store.run({ dryRun: true, now: NOW }),
        new RetentionStore(other).run({ dryRun: true, now: NOW }),
      ]);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RetentionBusyError);
      }
      // Both may finish when the first ends before the second asks; never both at once.
      const done = results
        .flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
        .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      expect(done.length).toBeGreaterThan(0);
      if (done.length === 2) {
        expect(Date.parse(done[0]?.finishedAt as string)).toBeLessThanOrEqual(
          Date.parse(done[1]?.startedAt as string),
        );
      }
    } finally {
      if (other !== t.db) await other.close();
    }

    // A run left "running" with a lapsed lease (its process killed) is taken over.
    await tamper(
      t.db,
      `INSERT INTO "RetentionRun" (id, "dryRun", status, "leaseUntil", "checkpointSize", "checkpointRoot", policy)
       VALUES ('00000000-0000-4000-8000-000000000001', false, 'running', now() - interval '1 minute', 0, '', '{}')`,
    );
    const next = await store.run({ dryRun: true, now: NOW });
    expect(next.status).toBe('done');
    const [killed] = await store
      .runs(50)
      .then((runs) => runs.filter((r) => r.id === '00000000-0000-4000-8000-000000000001'));
    expect(killed?.status).toBe('interrupted');

    // One still holding its lease is respected.
    await tamper(
      t.db,
      `INSERT INTO "RetentionRun" (id, "dryRun", status, "leaseUntil", "checkpointSize", "checkpointRoot", policy)
       VALUES ('00000000-0000-4000-8000-000000000002', false, 'running', now() + interval '1 minute', 0, '', '{}')`,
    );
    await expect(store.run({ dryRun: true, now: NOW })).rejects.toThrow(
      'retention run 00000000-0000-4000-8000-000000000002 is already running',
    );
  });
});

describe.each(TEST_DRIVERS)('a retention run killed while dropping a month, on %s', (driver) => {
  const t = useTestStore(driver);

  it('is finished by the next run, which touches no table a run did not name', async () => {
    await t.store.append([
      event(new Date('2026-02-10T00:00:00Z')),
      event(new Date('2026-03-10T00:00:00Z')),
      event(new Date('2026-03-11T00:00:00Z'), 'doc.viewed'),
      event(ago(1)),
      event(new Date('2026-01-10T00:00:00Z')),
    ]);
    await t.store.integrated();
    await t.store.issueCheckpoint(generateKeyPairSync('ed25519').privateKey);
    const store = new RetentionStore(t.db);
    await store.setPolicy({ defaultDays: 90, overrides: [], archive: false });
    // The killed run had named January and March and detached both. It recorded
    // January's event as pruned but died before dropping its table, and had not recorded
    // March yet. February was detached by hand.
    const killed = '00000000-0000-4000-8000-000000000003';
    await tamper(
      t.db,
      `INSERT INTO "RetentionRun" (id, "dryRun", status, "leaseUntil", "checkpointSize", "checkpointRoot", policy, "partitionsDropped", deleted, "byAction")
       VALUES ('${killed}', false, 'running', now() - interval '1 minute', 5, '', '{}', ARRAY['AuditLog_y2026m01', 'AuditLog_y2026m03'], 1, '{"doc.edited": 1}')`,
    );
    await tamper(
      t.db,
      `INSERT INTO "PrunedRange" ("fromSeq", "toSeq", "runId") VALUES (4, 4, '${killed}')`,
    );
    for (const month of ['01', '03', '02']) {
      await tamper(t.db, `ALTER TABLE "AuditLog" DETACH PARTITION "AuditLog_y2026m${month}"`);
    }
    expect((await t.store.verify()).problem?.reason).toBe('event 0 is missing');

    const run = await store.run({ dryRun: false, now: NOW });
    // January is dropped, not counted again; March is recorded by this run.
    expect(run).toMatchObject({ deleted: 2, byAction: { 'doc.edited': 1, 'doc.viewed': 1 } });
    expect(run.partitionsDropped).toEqual(['AuditLog_y2026m03']);
    expect(run.ranges).toEqual([[1, 2]]);
    const tables = await testSql<{ name: string }>(
      t.db,
      `SELECT relname AS name FROM pg_class WHERE relname ~ '^AuditLog_y2026m0[1-3]$' ORDER BY 1`,
    );
    expect(tables.map((r) => r.name)).toEqual(['AuditLog_y2026m02']);
    // February's event is still missing from the log: nothing pretends it was pruned.
    expect(await t.store.verify()).toMatchObject({
      ok: false,
      problem: { reason: 'event 0 is missing' },
      pruned: { events: 3 },
    });
  });
});

describe.each(TEST_DRIVERS)('appends on %s after a run drops partitions', (driver) => {
  const t = useTestStore(driver);

  it('go on, numbered without a gap, on the append statement prepared before the run', async () => {
    const recent = () => event(new Date());
    await t.store.append([recent(), recent()]);
    await t.store.append([event(new Date('2026-03-02T00:00:00Z'))]);
    await t.store.integrated();
    await t.store.issueCheckpoint(generateKeyPairSync('ed25519').privateKey);
    const retention = new RetentionStore(t.db);
    await retention.setPolicy({ defaultDays: 90, overrides: [], archive: false });
    const run = await retention.run({ dryRun: false, now: NOW });
    expect(run.partitionsDropped).toEqual(['AuditLog_y2026m03']);
    const after = await t.store.append([recent(), recent()]);
    expect(after.map((r) => [r.seq, r.duplicate])).toEqual([
      [3, false],
      [4, false],
    ]);
  });
});
