import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor';
import type { AuditEvent } from './event';
import { CSV_COLUMNS, eventsToCsv, jsonArray } from './serialize';

const event = (overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  id: '01a2188b-991a-72c0-b9a6-231927a380fe',
  seq: 7,
  createdAt: '2026-11-26T15:48:51.610Z',
  actorId: 'usr_1',
  actorEmail: 'ada@example.com',
  actorType: 'user',
  action: 'document.shared',
  outcome: 'success',
  resourceType: 'document',
  resourceId: 'doc_1',
  metadata: { with: 'bob@example.com', note: 'line one\nline "two", three' },
  changes: null,
  ip: '203.0.113.9',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  requestId: null,
  writer: 'api_key:abcdefghijkl',
  hash: Buffer.alloc(32, 0xab).toString('base64'),
  piiDigest: Buffer.alloc(32, 0xcd).toString('base64'),
  piiSalt: Buffer.alloc(16, 0xef).toString('base64'),
  erasedAt: null,
  ...overrides,
});

describe('CSV export', () => {
  it('writes a header once and quotes commas, quotes and newlines so a parser reads them back', () => {
    const csv = eventsToCsv([event()], true) + eventsToCsv([event({ seq: 8 })], false);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([...CSV_COLUMNS]);
    expect(rows.map((r) => r.seq)).toEqual(['7', '8']);
    expect(JSON.parse(rows[0]?.metadata ?? '')).toEqual(event().metadata);
    expect(rows[0]?.changes).toBe('');
  });

  it('quotes a lone LF or CR in any cell, so no record is split', () => {
    const events = [
      event({ resourceId: 'line1\nline2' }),
      event({ seq: 8, resourceId: 'a\rb', userAgent: 'x\r\ny' }),
    ];
    const csv = eventsToCsv(events, true);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.seq, r.resourceId, r.userAgent])).toEqual([
      ['7', 'line1\nline2', 'Mozilla/5.0 (X11; Linux x86_64)'],
      ['8', 'a\rb', 'x\r\ny'],
    ]);
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    const csv = eventsToCsv(
      [event({ userAgent: '=cmd|calc', resourceId: '+1', actorId: '@x' })],
      true,
    );
    const [row] = parse(csv, { columns: true }) as Record<string, string>[];
    expect([row?.userAgent, row?.resourceId, row?.actorId]).toEqual(["'=cmd|calc", "'+1", "'@x"]);
  });
});

describe('JSON export', () => {
  it('assembles chunks into one valid array', () => {
    const text =
      jsonArray.open +
      jsonArray.chunk([event(), event({ seq: 8 })], true) +
      jsonArray.chunk([event({ seq: 9 })], false) +
      jsonArray.close;
    expect((JSON.parse(text) as AuditEvent[]).map((e) => e.seq)).toEqual([7, 8, 9]);
    expect(JSON.parse(jsonArray.open + jsonArray.close)).toEqual([]);
  });
});

describe('cursor', () => {
  it('round-trips and rejects anything it did not make', () => {
    const position = { createdAt: new Date('2026-11-26T15:48:51.610Z'), seq: 12345 };
    expect(decodeCursor(encodeCursor(position))).toEqual({ ...position, order: 'newest' });
    expect(decodeCursor(encodeCursor(position, 'oldest'))).toEqual({
      ...position,
      order: 'oldest',
    });
    expect(decodeCursor('garbage!')).toBeUndefined();
    expect(decodeCursor(btoa('1:2:3'))).toBeUndefined();
  });
});
