import { describe, expect, it } from 'vitest';
import { importedEntry, importedEventId } from './import';
import { uuid7Time } from './uuid7';

const row = {
  id: 'ckx1legacy0001',
  actorId: 'usr_1',
  actorEmail: 'ada@example.com',
  action: 'invoice.refunded',
  resourceType: 'invoice',
  resourceId: null,
  metadata: { amount: 42 },
  ip: '',
  userAgent: null,
  createdAt: '2023-03-04T05:06:07.089Z',
};

describe('importing rows of an existing audit table', () => {
  it('dates each row at its own time, under an id the same row always gets', () => {
    const at = new Date(row.createdAt);
    const id = importedEventId('legacy.AuditLog', row.id, at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuid7Time(id)).toBe(at.getTime());
    expect(importedEventId('legacy.AuditLog', row.id, at)).toBe(id);
    expect(importedEventId('other.AuditLog', row.id, at)).not.toBe(id);
    expect(importedEventId('legacy.AuditLog', 'ckx1legacy0002', at)).not.toBe(id);
  });

  it('takes the seed shape, leaving empty values out', () => {
    const result = importedEntry('legacy.AuditLog', row);
    expect(result).toEqual({
      ok: true,
      entry: expect.objectContaining({
        actorId: 'usr_1',
        action: 'invoice.refunded',
        metadata: { amount: 42 },
        actorType: 'user',
        outcome: 'success',
      }),
    });
    if (result.ok) expect(result.entry).not.toHaveProperty('ip');
  });

  it('says what is wrong with a row it cannot take', () => {
    expect(importedEntry('s', { ...row, action: 'Refund Invoice' })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('domain.verb_past'),
    });
    expect(importedEntry('s', { ...row, createdAt: 'yesterday' })).toMatchObject({
      ok: false,
      problem: expect.stringContaining('createdAt'),
    });
    expect(importedEntry('s', { ...row, id: undefined })).toMatchObject({ ok: false });
  });
});
