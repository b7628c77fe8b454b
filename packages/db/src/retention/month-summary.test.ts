import { generateKeyPairSync } from 'node:crypto';
import { auditEntrySchema, newEventId } from '@auditlog/audit';
import { describe, expect, it } from 'vitest';
import { erasePerson } from '../privacy/erase';
import { connectionsOf, TEST_DRIVERS, tamper, testSql } from '../test-databases';
import { useTestStore } from '../test-store';
import { RetentionStore } from './retention-store';

const DAY = 86_400_000;
const POLICY = {
  defaultDays: 90,
  overrides: [{ action: 'auth.*', days: 4000 }],
  archive: false,
};

const event = (at: string | Date, action = 'doc.edited') =>
  auditEntrySchema.parse({
    id: newEventId(new Date(at)),
    actorId: 'u_1',
    actorEmail: 'ada@example.com',
    action,
  });

describe.each(TEST_DRIVERS)('month summaries on %s', (driver) => {
  const t = useTestStore(driver);
  const { privateKey } = generateKeyPairSync('ed25519');
  const summaries = async () =>
    (
      await testSql<{ partition: string; events: string; byAction: object; ranges: number[][] }>(
        t.db,
        'SELECT partition, events::text, "byAction", ranges FROM "MonthSummary" ORDER BY 1',
      )
    ).map((s) => ({ ...s, events: Number(s.events) }));

  it('summarises each sealed month once, as reading it would', async () => {
    await t.store.append([
      event('2026-05-03T00:00:00Z'),
      event('2026-06-10T00:00:00Z'),
      // Numbered among June's, as a late event is: May's seqs are two runs.
      event('2026-05-20T00:00:00Z', 'doc.viewed'),
      event('2026-05-21T00:00:00Z'),
      event('2026-06-11T00:00:00Z', 'auth.signed_in'),
      // Two days old: its month is not sealed (a client id may still date an event in it).
      event(new Date(Date.now() - 2 * DAY)),
    ]);
    await t.store.integrated();
    await t.store.issueCheckpoint(privateKey);
    const store = new RetentionStore(t.db);

    expect(await store.summarizeSealedMonths()).toEqual(['AuditLog_y2026m05', 'AuditLog_y2026m06']);
    expect(await summaries()).toEqual([
      {
        partition: 'AuditLog_y2026m05',
        events: 3,
        byAction: { 'doc.edited': 2, 'doc.viewed': 1 },
        ranges: [
          [0, 0],
          [2, 3],
        ],
      },
      {
        partition: 'AuditLog_y2026m06',
        events: 2,
        byAction: { 'doc.edited': 1, 'auth.signed_in': 1 },
        ranges: [
          [1, 1],
          [4, 4],
        ],
      },
    ]);
    expect(await store.summarizeSealedMonths()).toEqual([]);
  });

  it('forgets a month’s summary when an old event is imported into it or a row is deleted from it, not on appends or erasure', async () => {
    const store = new RetentionStore(t.db);
    const partitions = async () => (await summaries()).map((s) => s.partition);

    await t.store.append([event(new Date())]);
    await erasePerson(connectionsOf(t.db).prisma, 'u_1');
    expect(await partitions()).toEqual(['AuditLog_y2026m05', 'AuditLog_y2026m06']);

    // An import keeps the events' own times, so it may write into a sealed month.
    await t.store.append([event('2026-05-25T00:00:00Z')]);
    expect(await partitions()).toEqual(['AuditLog_y2026m06']);
    expect(await store.summarizeSealedMonths()).toEqual(['AuditLog_y2026m05']);
    expect((await summaries())[0]).toMatchObject({ partition: 'AuditLog_y2026m05', events: 4 });

    // A row deleted by hand (by someone who cannot switch the log's triggers off).
    await testSql(t.db, `DELETE FROM "AuditLog" WHERE seq = 1`);
    expect(await partitions()).toEqual(['AuditLog_y2026m05']);
  });

  it('a run drops a month by a matching summary, reads one that no longer matches, and leaves hand-deleted rows missing', async () => {
    const store = new RetentionStore(t.db);
    await t.store.append([
      event('2026-04-05T00:00:00Z'),
      event('2026-04-06T00:00:00Z'),
      event('2026-06-12T00:00:00Z'),
    ]);
    // June again too, without the row deleted from it.
    expect(await store.summarizeSealedMonths()).toEqual(['AuditLog_y2026m04', 'AuditLog_y2026m06']);
    await t.store.integrated();
    await t.store.issueCheckpoint(privateKey);
    // An attacker who switches the triggers off deletes April's last event: the summary
    // stays, but its last seq no longer matches the table's.
    await tamper(t.db, 'DELETE FROM "AuditLog" WHERE seq = 9');
    // What a run records for May comes from its summary: marked here to tell it from a read.
    await testSql(
      t.db,
      `UPDATE "MonthSummary" SET "byAction" = '{"from.summary": 4}' WHERE partition = 'AuditLog_y2026m05'`,
    );
    await store.setPolicy(POLICY);

    const run = await store.run({ dryRun: false, now: new Date() });
    // June keeps its auth event (4,000 days), so its other event is deleted row by row,
    // and the batch that deletes it forgets June's summary.
    expect(run).toMatchObject({
      partitionsDropped: ['AuditLog_y2026m04', 'AuditLog_y2026m05'],
      deleted: 6,
      byAction: { 'doc.edited': 2, 'from.summary': 4 },
      ranges: [
        [0, 0],
        [2, 3],
        [7, 7],
        [8, 8],
        [10, 10],
      ],
    });
    expect(await summaries()).toEqual([]);
    // Neither deleted row passes for pruned: the first is reported, and seq 9 is in no range.
    expect(await t.store.verify()).toMatchObject({
      ok: false,
      problem: { seq: 1, reason: 'event 1 is missing' },
      pruned: { events: 6 },
    });
  });
});
