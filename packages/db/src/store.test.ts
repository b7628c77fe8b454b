import { auditEntrySchema, newEventId } from '@auditlog/audit';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { AuditStore } from './store';
import { TEST_DRIVERS, testSql } from './test-databases';
import { useTestStore } from './test-store';

const entry = (overrides: Record<string, unknown> = {}) =>
  auditEntrySchema.parse({
    actorId: 'u_1',
    actorEmail: 'ada@example.com',
    action: 'user.role_changed',
    resourceType: 'user',
    resourceId: 'u_2',
    metadata: { oldRole: 'member', newRole: 'admin' },
    ip: '203.0.113.7',
    ...overrides,
  });

describe.each(TEST_DRIVERS)('AuditStore on %s', (driver) => {
  const t = useTestStore(driver);

  it('appends an event and reads it back with every field intact', async () => {
    const [result] = await t.store.append([entry({ userAgent: 'curl/8.5', requestId: 'req-1' })]);
    expect(result?.duplicate).toBe(false);
    const page = await t.store.query({ actor: 'ada@example.com' }, { limit: 10 });
    expect(page.events).toHaveLength(1);
    expect(page.events[0]).toMatchObject({
      id: result?.id,
      seq: result?.seq,
      actorId: 'u_1',
      actorEmail: 'ada@example.com',
      actorType: 'user',
      action: 'user.role_changed',
      outcome: 'success',
      resourceType: 'user',
      resourceId: 'u_2',
      metadata: { oldRole: 'member', newRole: 'admin' },
      ip: '203.0.113.7',
      userAgent: 'curl/8.5',
      requestId: 'req-1',
      changes: null,
    });
  });
});

describe.each(TEST_DRIVERS)('AuditStore ordering, idempotency and filters on %s', (driver) => {
  const t = useTestStore(driver);

  it('stores nothing new when an event is retried with the same id', async () => {
    const id = newEventId();
    const [first] = await t.store.append([entry({ id })]);
    const [again] = await t.store.append([entry({ id, metadata: { retried: true } })]);
    expect(again).toMatchObject({ id, seq: first?.seq, duplicate: true });
    const page = await t.store.query({}, { limit: 100 });
    expect(page.events.filter((e) => e.id === id)).toHaveLength(1);
    expect(page.events.find((e) => e.id === id)?.metadata).toEqual(entry().metadata);
  });

  it('answers a batch mixing new, stored and repeated client ids in order', async () => {
    const [stored, fresh] = [newEventId(), newEventId()];
    const [first] = await t.store.append([entry({ id: stored })]);
    const results = await t.store.append([
      entry(),
      entry({ id: fresh }),
      entry({ id: stored }),
      entry({ id: fresh }),
      entry(),
    ]);
    expect(results.map((r) => r.duplicate)).toEqual([false, false, true, true, false]);
    expect(results[2]?.seq).toBe(first?.seq);
    expect(results[3]?.seq).toBe(results[1]?.seq);
    // The new ones are numbered next to each other, in the order given.
    expect([results[0], results[1], results[4]].map((r) => r?.seq)).toEqual(
      [0, 1, 2].map((k) => (results[0]?.seq ?? 0) + k),
    );
  });

  it('leaves no gap in the numbering when a batch holds an id already stored', async () => {
    // The batch is first written as if every id were new, fails on the stored one, and is
    // written again with it answered as a duplicate.
    const [stored, b, c, d] = [newEventId(), newEventId(), newEventId(), newEventId()];
    const [first] = await t.store.append([entry({ id: stored })]);
    const retried = await t.store.append([b, stored, c].map((id) => entry({ id })));
    expect(retried.map((r) => [r.duplicate, r.seq])).toEqual([
      [false, (first?.seq ?? 0) + 1],
      [true, first?.seq],
      [false, (first?.seq ?? 0) + 2],
    ]);
    const [next] = await t.store.append([entry({ id: d })]);
    expect(next?.seq).toBe((first?.seq ?? 0) + 3);
    expect(await t.store.size()).toBe((first?.seq ?? 0) + 4);
  });

  it('numbers concurrent appends 0..n-1 with no gap and no repeat', async () => {
    const before = await t.store.size();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.store.append([entry({ actorId: `c_${i}` }), entry({ actorId: `c_${i}` })]),
      ),
    );
    expect(await t.store.size()).toBe(before + 80);
    const seqs: number[] = [];
    for await (const events of t.store.scan({}, 7)) seqs.push(...events.map((e) => e.seq));
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: before + 80 }, (_, i) => i));
  });

  it('puts events of different months in their own partitions and finds them by date', async () => {
    const march = new Date('2026-03-15T12:00:00Z');
    const june = new Date('2026-06-01T00:00:00Z');
    await t.store.append([
      entry({ id: newEventId(march), action: 'billing.plan_changed' }),
      entry({ id: newEventId(june), action: 'billing.plan_changed' }),
    ]);
    const partitions = await testSql<{ name: string }>(
      t.db,
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = '"AuditLog"'::regclass ORDER BY 1`,
    );
    expect(partitions.map((p) => p.name)).toEqual(
      expect.arrayContaining(['AuditLog_y2026m03', 'AuditLog_y2026m06']),
    );
    const spring = await t.store.query(
      { from: '2026-03-01T00:00:00Z', to: '2026-06-01T00:00:00Z' },
      { limit: 10 },
    );
    expect(spring.events.map((e) => e.createdAt)).toEqual(['2026-03-15T12:00:00.000Z']);
  });

  it('pages newest first through a filter with a keyset cursor, without overlap', async () => {
    const base = Date.parse('2026-01-10T00:00:00Z');
    await t.store.append(
      Array.from({ length: 25 }, (_, i) =>
        entry({ id: newEventId(new Date(base + i * 60_000)), action: 'project.archived' }),
      ),
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.store.query({ action: 'project.*' }, { limit: 10, cursor });
      seen.push(...page.events.map((e) => e.createdAt));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(seen).toEqual([...seen].sort().reverse());
  });

  it('filters by actor id or email, resource and outcome', async () => {
    await t.store.append([
      entry({ actorId: 'svc_billing', actorType: 'service', actorEmail: '', outcome: 'failure' }),
      entry({ resourceType: 'workspace', resourceId: 'w_9' }),
    ]);
    const byService = await t.store.query({ actor: 'svc_billing' }, { limit: 10 });
    expect(byService.events.map((e) => e.actorType)).toEqual(['service']);
    const failures = await t.store.query({ outcome: 'failure' }, { limit: 10 });
    expect(failures.events.map((e) => e.actorId)).toEqual(['svc_billing']);
    const workspace = await t.store.query(
      { resourceType: 'workspace', resourceId: 'w_9' },
      { limit: 10 },
    );
    expect(workspace.events).toHaveLength(1);
  });

  it('refuses to rewrite a stored event through SQL', async () => {
    await expect(testSql(t.db, `UPDATE "AuditLog" SET action = 'user.deleted'`)).rejects.toThrow(
      /append-only/,
    );
  });
});

describe('the same client ids appended by two processes at once, on PostgreSQL', () => {
  const t = useTestStore('postgres');

  it('stores each once, and both processes answer it with the same seq', async () => {
    const other = await openDatabase({ url: t.db.url });
    const elsewhere = new AuditStore(other);
    try {
      for (let round = 0; round < 20; round++) {
        const ids = Array.from({ length: 50 }, () => newEventId());
        const [here, there] = await Promise.all([
          t.store.append(ids.map((id) => entry({ id }))),
          elsewhere.append(ids.map((id) => entry({ id }))),
        ]);
        expect(here.map((r) => r.seq)).toEqual(there.map((r) => r.seq));
        expect(here.every((r, i) => r.duplicate !== there[i]?.duplicate)).toBe(true);
      }
      const repeated = await testSql(
        t.db,
        'SELECT id FROM "AuditLog" GROUP BY id HAVING count(*) > 1',
      );
      expect(repeated).toEqual([]);
      await t.store.integrated();
      expect(await t.store.verify()).toMatchObject({ ok: true });
    } finally {
      await elsewhere.close();
      await other.close();
    }
  });
});
