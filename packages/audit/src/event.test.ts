import { describe, expect, it } from 'vitest';
import { auditEntrySchema } from './event';
import { LIMITS } from './limits';
import { newEventId, uuid7Time } from './uuid7';

const seedExample = {
  actorId: 'usr_1',
  actorEmail: 'ada@example.com',
  action: 'user.role_changed',
  resourceType: 'user',
  resourceId: 'usr_2',
  metadata: { oldRole: 'member', newRole: 'admin' },
  ip: '203.0.113.9',
};

const problems = (input: unknown) => {
  const result = auditEntrySchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('auditEntrySchema', () => {
  it("accepts the seed's logAction example and fills the defaults", () => {
    expect(auditEntrySchema.parse(seedExample)).toEqual({
      ...seedExample,
      actorType: 'user',
      outcome: 'success',
    });
  });

  it.each(['user.deleted', 'billing.plan_changed', 'org.member.invited', 'auth.mfa2.enabled'])(
    'accepts the action name %s',
    (action) => {
      expect(problems({ ...seedExample, action })).toEqual([]);
    },
  );

  it.each([
    'deleted',
    'User.Deleted',
    'user deleted',
    'user.',
    '.deleted',
    'user..deleted',
    'a.b.c.d.e',
    'user.deleted!',
  ])('refuses the action name %j', (action) => {
    expect(problems({ ...seedExample, action })).toEqual([
      expect.stringMatching(/^action: must look like domain\.verb_past/),
    ]);
  });

  it('refuses NUL bytes and lone surrogates anywhere, naming where', () => {
    expect(problems({ ...seedExample, actorId: 'a\u0000' })).toEqual([
      'actorId: must not contain NUL characters',
    ]);
    expect(problems({ ...seedExample, metadata: { list: ['ok', 'bad\uDC00'] } })).toEqual([
      'metadata.list.1: must be valid Unicode (it contains a lone surrogate)',
    ]);
    expect(problems({ ...seedExample, metadata: { 'k\u0000': 1 } })).toEqual([
      'metadata.k\u0000: key must not contain NUL characters',
    ]);
    // A correctly paired surrogate (an emoji) is ordinary text.
    expect(problems({ ...seedExample, metadata: { note: 'ship it 🚀' } })).toEqual([]);
  });

  it('keeps `__proto__` keys as sent, at every depth, and refuses them where no key is free', () => {
    const metadata = JSON.parse('{"__proto__":"x","a":{"__proto__":{"b":1}}}');
    const parsed = auditEntrySchema.parse({ ...seedExample, metadata });
    expect(JSON.stringify(parsed.metadata)).toBe('{"__proto__":"x","a":{"__proto__":{"b":1}}}');
    expect(problems(JSON.parse(`{"__proto__":1,${JSON.stringify(seedExample).slice(1)}`))).toEqual([
      ': Unrecognized key: "__proto__"',
    ]);
    expect(problems({ ...seedExample, metadata: ['not', 'an', 'object'] })).toEqual([
      'metadata: must be a JSON object',
    ]);
  });

  it('enforces the size limits in bytes, not characters', () => {
    const justUnder = 'é'.repeat((LIMITS.metadataBytes - 20) / 2);
    expect(problems({ ...seedExample, metadata: { v: justUnder } })).toEqual([]);
    expect(problems({ ...seedExample, metadata: { v: `${justUnder}éééééééééé` } })).toEqual([
      expect.stringMatching(/^metadata: is \d+ bytes of JSON; the limit is 16384$/),
    ]);
    expect(problems({ ...seedExample, actorId: 'x'.repeat(LIMITS.actorId + 1) })).toHaveLength(1);
    // `{"v":"…"}` is 8 bytes around the text: 4 bytes an emoji, 3 a euro sign.
    const emoji = '😀'.repeat((LIMITS.metadataBytes - 8) / 4);
    expect(problems({ ...seedExample, metadata: { v: emoji } })).toEqual([]);
    expect(problems({ ...seedExample, metadata: { v: `${emoji}€` } })).toEqual([
      'metadata: is 16387 bytes of JSON; the limit is 16384',
    ]);
  });

  it('names the path of the part of metadata that cannot be kept', () => {
    expect(problems({ ...seedExample, metadata: { a: [1, { b: Number.NaN }] } })).toEqual([
      'metadata.a.1.b: must be a finite number',
    ]);
  });

  it('refuses metadata nested past the depth limit', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(problems({ ...seedExample, metadata: deep })[0]).toMatch(/must not nest deeper/);
  });

  it('requires a real (or an empty, unknown) email for users only', () => {
    expect(problems({ ...seedExample, actorEmail: 'not-an-email' })).toEqual([
      'actorEmail: must be an email address for a user actor',
    ]);
    expect(
      problems({ ...seedExample, actorType: 'service', actorEmail: 'billing-worker' }),
    ).toEqual([]);
    expect(problems({ ...seedExample, actorEmail: '' })).toEqual([]);
    expect(problems({ ...seedExample, actorEmail: 'ünïcode@exämple.com' })).toEqual([]);
  });

  it('refuses unknown fields and wrong types', () => {
    expect(problems({ ...seedExample, actor: 'x' })).toHaveLength(1);
    expect(problems({ ...seedExample, outcome: 'maybe' })).toHaveLength(1);
    expect(problems({ ...seedExample, ip: 'localhost' })).toEqual([
      'ip: must be an IPv4 or IPv6 address',
    ]);
    expect(problems({ ...seedExample, changes: { before: {}, during: {} } })).toHaveLength(1);
  });

  it('takes a client UUIDv7 as id and refuses other UUIDs', () => {
    expect(problems({ ...seedExample, id: newEventId() })).toEqual([]);
    expect(problems({ ...seedExample, id: '0b3f8c9e-4c2d-4d6e-9f1a-2b3c4d5e6f70' })).toEqual([
      'id: must be a UUIDv7',
    ]);
  });
});

describe('UUIDv7 time', () => {
  it('reads back the millisecond an id was made for', () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    expect(uuid7Time(newEventId(at))).toBe(at.getTime());
  });

  it('sorts ids made in the same millisecond in the order they were made', () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    const ids = Array.from({ length: 1000 }, () => newEventId(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
    expect(ids.every((id) => uuid7Time(id) === at.getTime())).toBe(true);
    // A new millisecond starts from a fresh random count, still after the last.
    expect(newEventId(new Date(at.getTime() + 1)) > (ids.at(-1) as string)).toBe(true);
  });
});
