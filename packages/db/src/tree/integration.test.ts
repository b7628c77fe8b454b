import { type AuditEvent, auditEntrySchema, eventProblem } from '@auditlog/audit';
import { describe, expect, it } from 'vitest';
import { appendBatch, prepareEntries } from '../append/append';
import { AuditStore } from '../store';
import { connectionsOf, TEST_DRIVERS, tamper, testSql } from '../test-databases';
import { useTestStore } from '../test-store';

const entries = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) =>
    auditEntrySchema.parse({
      actorId: `usr_${from + i}`,
      actorEmail: `u${from + i}@example.com`,
      action: 'document.updated',
      metadata: { i: from + i },
      ip: '192.0.2.1',
    }),
  );

describe.each(TEST_DRIVERS)('the background integrator on %s', (driver) => {
  const t = useTestStore(driver);

  it('takes in what a process committed before it crashed', async () => {
    await t.store.append(entries(300));
    // Committed and numbered, as by a process that died before integrating.
    await appendBatch(connectionsOf(t.db).raw, prepareEntries(entries(200, 300)), new Set());
    expect(await t.store.size()).toBe(500);

    const restarted = new AuditStore(t.db);
    expect(await restarted.integrated()).toBe(500);
    expect(await restarted.treeStatus()).toEqual({ logSize: 500, treeSize: 500, failure: null });
    expect(await restarted.verify()).toMatchObject({ ok: true, checked: 500 });
    const [event] = (await restarted.query({ actor: 'usr_450' }, { limit: 1 })).events;
    expect(Buffer.from(event?.hash ?? '', 'base64')).toHaveLength(32);
    await restarted.close();
  });

  it('exports events just appended with their leaf hashes', async () => {
    await t.store.append(entries(5, 1000));
    const exported = [];
    for await (const page of t.store.scan({})) exported.push(...page);
    expect(exported).toHaveLength(505);
    expect(exported.every((e) => Buffer.from(e.hash ?? '', 'base64').length === 32)).toBe(true);
  });

  it('takes in an event whose person was erased before it joined the tree', async () => {
    const early = auditEntrySchema.parse({
      actorId: 'usr_early',
      actorEmail: 'early@example.com',
      action: 'document.updated',
      ip: '192.0.2.7',
    });
    await appendBatch(connectionsOf(t.db).raw, prepareEntries([early]), new Set());
    expect(await t.store.erasePerson('early@example.com')).toEqual([
      { actorId: 'usr_early', events: 1 },
    ]);
    await t.store.integrated();
    expect(await t.store.verify()).toMatchObject({ ok: true });
    const [event] = (await t.store.query({ actor: 'usr_early' }, { limit: 1 })).events;
    expect(event).toMatchObject({ actorEmail: '', piiSalt: null });
    expect(eventProblem(event as AuditEvent)).toBeUndefined();
  });

  it('stops at a missing event, says why until it is back, and verify() names it', async () => {
    const size = await t.store.integrated();
    // A pass the last test's appends asked for runs up to 250 ms later: let it run first,
    // or it could take in the events below before one of them is deleted.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const gone = size + 3;
    await appendBatch(connectionsOf(t.db).raw, prepareEntries(entries(10, 2000)), new Set());
    await tamper(
      t.db,
      `CREATE TABLE saved AS SELECT * FROM "AuditLog" WHERE seq = ${gone}; DELETE FROM "AuditLog" WHERE seq = ${gone}`,
    );
    const missing = new RegExp(`event ${gone} is missing`);
    await expect(t.store.integrated()).rejects.toThrow(missing);
    expect(await t.store.treeStatus()).toEqual({
      logSize: size + 10,
      treeSize: size,
      failure: expect.stringMatching(missing),
    });
    expect(await t.store.verify()).toMatchObject({
      ok: false,
      treeSize: size,
      problem: { seq: size, reason: expect.stringMatching(missing) },
    });

    await tamper(t.db, 'INSERT INTO "AuditLog" SELECT * FROM saved; DROP TABLE saved');
    expect(await t.store.integrated()).toBe(size + 10);
    expect((await t.store.treeStatus()).failure).toBeNull();
  });

  it('refuses to rewrite a stored leaf hash', async () => {
    await expect(
      testSql(t.db, `UPDATE "LeafTile" SET hashes = substring(hashes FROM 33) WHERE tile = 0`),
    ).rejects.toThrow(/append-only/);
    await expect(testSql(t.db, `DELETE FROM "LeafTile" WHERE tile = 0`)).rejects.toThrow(
      /append-only/,
    );
  });
});
