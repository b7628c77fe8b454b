import { uuid7Time } from '@auditlog/audit';
import { TEST_DRIVERS } from '@auditlog/db/testing';
import { useTestStore } from '@auditlog/db/testing/vitest';
import { describe, expect, it } from 'vitest';
import { testCaller } from './test-caller';

const rows = Array.from({ length: 3 }, (_, i) => ({
  id: `legacy_${i}`,
  actorId: `usr_${i}`,
  actorEmail: `user${i}@example.com`,
  action: 'invoice.refunded',
  resourceType: 'invoice',
  resourceId: `inv_${i}`,
  metadata: { amount: i },
  ip: '192.0.2.1',
  userAgent: 'legacy-app',
  createdAt: new Date(Date.UTC(2023, i, 15)).toISOString(),
}));

describe.each(TEST_DRIVERS)('importing an existing audit table through the API on %s', (driver) => {
  const t = useTestStore(driver);

  it('keeps the original times, records one log.imported event, and stores nothing twice', async () => {
    const caller = testCaller(t.store);
    const first = await caller.admin.imports.events({ source: 'legacy.AuditLog', rows });
    expect(first).toMatchObject({
      rows: 3,
      imported: 3,
      duplicates: 0,
      from: '2023-01-15T00:00:00.000Z',
      to: '2023-03-15T00:00:00.000Z',
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    const stored = (await caller.api.query({ filter: { action: 'invoice.refunded' }, limit: 10 }))
      .events;
    expect(stored.map((e) => e.createdAt).sort()).toEqual(rows.map((r) => r.createdAt));
    expect(stored.every((e) => uuid7Time(e.id) === Date.parse(e.createdAt))).toBe(true);

    const again = await caller.admin.imports.events({ source: 'legacy.AuditLog', rows });
    expect(again).toMatchObject({ imported: 0, duplicates: 3, digest: first.digest });
    expect(
      (await caller.api.query({ filter: { action: 'invoice.refunded' }, limit: 10 })).events,
    ).toHaveLength(3);

    const imported = (await caller.api.query({ filter: { action: 'log.imported' }, limit: 10 }))
      .events;
    expect(imported).toHaveLength(2);
    expect(imported[1]).toMatchObject({
      actorEmail: 'ada@example.com',
      resourceId: 'legacy.AuditLog',
      metadata: { rows: 3, imported: 3, duplicates: 0, digest: first.digest },
    });
  });

  it('refuses the whole call for one bad row, naming it, and stores nothing', async () => {
    const caller = testCaller(t.store);
    const before = (await caller.api.query({ filter: {}, limit: 100 })).events.length;
    const bad = [
      ...rows.map((r) => ({ ...r, id: `other_${r.id}` })),
      { ...rows[0], id: 'x', action: 'REFUND' },
    ];
    await expect(
      caller.admin.imports.events({ source: 'legacy.Other', rows: bad }),
    ).rejects.toThrow(/1 row\(s\) cannot be imported, so none was: row 4 \(id x\): .*action/);
    expect((await caller.api.query({ filter: {}, limit: 100 })).events).toHaveLength(before);
    // Only admins import: an API key, even one that writes, cannot.
    await expect(caller.api.imports.events({ source: 's', rows })).rejects.toThrow();
  });
});
