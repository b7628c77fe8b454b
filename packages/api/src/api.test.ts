import { newEventId } from '@auditlog/audit';
import { TEST_DRIVERS } from '@auditlog/db/testing';
import { useTestStore } from '@auditlog/db/testing/vitest';
import { TRPCError } from '@trpc/server';
import { beforeAll, describe, expect, it } from 'vitest';
import type { createCaller } from './root';
import { testCaller } from './test-caller';

const valid = {
  actorId: 'u_1',
  actorEmail: 'ada@example.com',
  action: 'user.role_changed',
  resourceType: 'user',
  resourceId: 'u_2',
  metadata: { oldRole: 'member', newRole: 'admin' },
  ip: '198.51.100.4',
};

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${error}`);
  return error;
}

describe.each(TEST_DRIVERS)('tRPC API on %s', (driver) => {
  const t = useTestStore(driver);
  let api: ReturnType<typeof createCaller>;
  beforeAll(async () => {
    api = testCaller(t.store).api;
  });

  it('logAction then query round-trips an event', async () => {
    const logged = await api.logAction(valid);
    expect(logged).toMatchObject({ seq: 0, duplicate: false });
    const page = await api.query({ filter: { action: 'user.role_changed' } });
    expect(page.events).toEqual([
      expect.objectContaining({ ...valid, id: logged.id, createdAt: logged.createdAt }),
    ]);
  });

  it.each([
    ['a missing actor', { ...valid, actorId: undefined }, ['actorId']],
    ['a bad action name', { ...valid, action: 'Deleted User' }, ['action']],
    ['oversized metadata', { ...valid, metadata: { blob: 'x'.repeat(17_000) } }, ['metadata']],
    ['a NUL byte', { ...valid, resourceId: 'a\u0000b' }, ['resourceId']],
    [
      'a NUL byte deep in metadata',
      { ...valid, metadata: { a: [{ b: '\u0000' }] } },
      ['metadata', 'a', 0, 'b'],
    ],
    ['a lone surrogate', { ...valid, userAgent: 'bad \uD800 text' }, ['userAgent']],
    ['a wrong type', { ...valid, metadata: 'not an object' }, ['metadata']],
    ['an unknown field', { ...valid, actor: 'x' }, []],
    ['a bad IP', { ...valid, ip: '999.1.1.1' }, ['ip']],
    ['a user without an email', { ...valid, actorEmail: 'nobody' }, ['actorEmail']],
    [
      'an id from last year',
      { ...valid, id: newEventId(new Date(Date.now() - 400 * 86_400_000)) },
      ['id'],
    ],
  ])('refuses %s with BAD_REQUEST naming the field, and stores nothing', async (_, input, path) => {
    const before = await t.store.size();
    const error = await rejection(api.logAction(input as typeof valid));
    expect(error.code).toBe('BAD_REQUEST');
    const issues = (error.cause as unknown as { issues: { path: unknown[] }[] }).issues;
    expect(issues.map((i) => i.path)).toContainEqual(path);
    expect(await t.store.size()).toBe(before);
  });

  it('says when an old client id dates its event and how far back ids may go', async () => {
    const at = new Date(Date.now() - 400 * 86_400_000);
    const error = await rejection(api.logMany([valid, { ...valid, id: newEventId(at) }]));
    const issues = (error.cause as unknown as { issues: { path: unknown[]; message: string }[] })
      .issues;
    expect(issues).toEqual([
      expect.objectContaining({
        path: [1, 'id'],
        message: `dates the event ${at.toISOString()}; a client id must be from the last 7 days`,
      }),
    ]);
  });

  it('logMany stores a batch in order, or nothing when one entry is bad', async () => {
    const before = await t.store.size();
    const bad = await rejection(api.logMany([valid, { ...valid, action: 'nope' }, valid]));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(await t.store.size()).toBe(before);
    const results = await api.logMany([
      { ...valid, resourceId: 'first' },
      { ...valid, resourceId: 'second' },
    ]);
    expect(results.map((r) => r.seq)).toEqual([before, before + 1]);
  });

  it('a retried logAction with the same id is stored once', async () => {
    const id = newEventId();
    const first = await api.logAction({ ...valid, id });
    const retry = await api.logAction({ ...valid, id });
    expect(retry).toEqual({ ...first, duplicate: true });
  });

  it('rejects a forged cursor with BAD_REQUEST', async () => {
    const error = await rejection(api.query({ cursor: 'not-a-cursor' }));
    expect(error.code).toBe('BAD_REQUEST');
  });

  it('pages oldest first when asked, and a cursor only continues in its own order', async () => {
    const filter = { actor: 'order-test' };
    await api.logMany(
      Array.from({ length: 5 }, (_, i) => ({
        actorId: 'order-test',
        actorEmail: '',
        action: `doc.step${i}`,
      })),
    );
    const first = await api.query({ filter, order: 'oldest', limit: 2 });
    const second = await api.query({ filter, order: 'oldest', limit: 2, cursor: first.nextCursor });
    const seqs = [...first.events, ...second.events].map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const newest = await api.query({ filter, limit: 5 });
    expect(
      newest.events
        .map((e) => e.seq)
        .reverse()
        .slice(0, 4),
    ).toEqual(seqs);
    const mixed = await rejection(api.query({ filter, cursor: first.nextCursor }));
    expect(mixed.code).toBe('BAD_REQUEST');
    expect(mixed.message).toBe('the cursor continues a page of the oldest first');
  });

  it('exports the filtered events as CSV and as JSON', async () => {
    await api.logAction({ ...valid, action: 'billing.plan_changed', userAgent: '=HYPERLINK("x")' });
    let csv = '';
    for await (const chunk of await api.export({
      format: 'csv',
      filter: { action: 'billing.*' },
    })) {
      csv += chunk;
    }
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id,seq,createdAt,actorId,actorEmail/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('\'=HYPERLINK(""x"")');
    let json = '';
    for await (const chunk of await api.export({
      format: 'json',
      filter: { action: 'billing.*' },
    })) {
      json += chunk;
    }
    const parsed = JSON.parse(json);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({
      action: 'billing.plan_changed',
      userAgent: '=HYPERLINK("x")',
    });
  });

  it('exports an empty selection as a header-only CSV and an empty JSON array', async () => {
    const filter = { action: 'nothing.matched' };
    let csv = '';
    for await (const chunk of await api.export({ format: 'csv', filter })) csv += chunk;
    expect(csv.trimEnd().split('\n')).toHaveLength(1);
    let json = '';
    for await (const chunk of await api.export({ format: 'json', filter })) json += chunk;
    expect(JSON.parse(json)).toEqual([]);
  });
});
