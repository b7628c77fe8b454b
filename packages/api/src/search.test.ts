import { type AuditEntryInput, newEventId } from '@auditlog/audit';
import { TEST_DRIVERS } from '@auditlog/db/testing';
import { useTestStore } from '@auditlog/db/testing/vitest';
import { TRPCError } from '@trpc/server';
import { beforeAll, describe, expect, it } from 'vitest';
import type { createCaller } from './root';
import { testCaller } from './test-caller';

const DAY = 86_400_000;
const daysAgo = (days: number) => newEventId(new Date(Date.now() - days * DAY));

// Each event's actorId names it, so a search's answer reads as a set of names.
const EVENTS: AuditEntryInput[] = [
  {
    id: daysAgo(1),
    actorId: 'ann',
    actorEmail: 'Ann@Example.com',
    action: 'user.role_changed',
    resourceType: 'user',
    resourceId: 'usr_7',
    ip: '203.0.113.7',
    requestId: 'req_a',
    metadata: { reason: 'Quarterly Access REVIEW' },
  },
  {
    id: daysAgo(2),
    actorId: 'bob',
    actorEmail: 'bob@example.com',
    action: 'auth.signed_in',
    outcome: 'failure',
    ip: '2001:db8::1',
  },
  {
    id: daysAgo(3),
    actorId: 'ci',
    actorEmail: '',
    actorType: 'service',
    action: 'invoice.refunded',
    resourceType: 'invoice',
    resourceId: 'arn:aws:s3:::bills/42',
    ip: '198.51.100.9',
  },
  {
    id: daysAgo(6),
    actorId: 'dee',
    actorEmail: 'dee@example.com',
    action: 'user_x.deleted',
    resourceType: 'user',
    resourceId: 'usr_9',
    metadata: { note: '100%_done' },
  },
];

describe.each(TEST_DRIVERS)('search (q) on %s', (driver) => {
  const t = useTestStore(driver);
  let api: ReturnType<typeof createCaller>;
  beforeAll(async () => {
    api = testCaller(t.store).api;
    await api.logMany(EVENTS);
  });

  const found = async (q: string) => {
    const page = await api.query({ filter: { q }, limit: 100 });
    return page.events.map((e) => e.actorId).sort();
  };

  it.each([
    ['action:user.role_changed', ['ann']],
    ['action:user.*', ['ann']], // not user_x.deleted: `_` is not a wildcard
    ['action:USER.*', ['ann']],
    ['action:user.* action:auth.*', ['ann', 'bob']],
    ['-action:user.*', ['bob', 'ci', 'dee']],
    ['actor:ann@example.COM', ['ann']],
    ['actor:ci', ['ci']],
    ['-actor:bob@example.com -actor:ci', ['ann', 'dee']],
    ['actor_type:service', ['ci']],
    ['resource:user', ['ann', 'dee']],
    ['resource:user/usr_9', ['dee']],
    ['resource:"invoice/arn:aws:s3:::bills/42"', ['ci']],
    ['ip:203.0.113.0/24', ['ann']],
    ['ip:2001:DB8:0::1', ['bob']],
    ['-ip:203.0.113.7', ['bob', 'ci', 'dee']],
    ['outcome:failure', ['bob']],
    ['request:req_a', ['ann']],
    [
      `created:>=${new Date(Date.now() - 5 * DAY).toISOString().slice(0, 10)}`,
      ['ann', 'bob', 'ci'],
    ],
    [`created:<${new Date(Date.now() - 5 * DAY).toISOString().slice(0, 10)}`, ['dee']],
    ['access review', ['ann']],
    ['"access review"', ['ann']],
    ['100%_', ['dee']],
    ['100%x', []],
    ['s3:::bills', ['ci']], // `s3` is no qualifier's name, so this is text
    ['"s3:::bills"', ['ci']],
    ['-review', ['bob', 'ci', 'dee']],
    ['resource:user -actor:ann review', []],
  ])('%s finds %j', async (q, actors) => {
    expect(await found(q)).toEqual(actors);
  });

  it('refuses a query with an error, naming where it is', async () => {
    const error = await api.query({ filter: { q: 'actor:bob outcome:maybe' } }).catch((e) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error.code).toBe('BAD_REQUEST');
    const issues = (error.cause as { issues: { path: unknown[]; message: string }[] }).issues;
    expect(issues).toEqual([
      expect.objectContaining({
        path: ['filter', 'q'],
        message: 'at characters 19-23 ("maybe"): an outcome is success or failure',
      }),
    ]);
    const unquoted = await api.query({ filter: { q: 'arn:aws:s3' } }).catch((e) => e);
    expect(unquoted.cause.issues[0].message).toMatch(/unknown qualifier "arn".*put it in quotes/);
  });

  it('exports exactly what the search finds, hostile quotes and all', async () => {
    for (const q of [
      'action:user.* action:auth.*',
      `"it's" -actor:"o'brien"`,
      'resource:user review',
    ]) {
      let csv = '';
      for await (const chunk of await api.export({ format: 'csv', filter: { q } })) csv += chunk;
      const exported = csv
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[3])
        .sort();
      expect(exported, q).toEqual(await found(q));
    }
  });

  it('combines with the filter fields', async () => {
    const page = await api.query({ filter: { q: 'resource:user', actor: 'DEE@example.com' } });
    expect(page.events.map((e) => e.actorId)).toEqual(['dee']);
  });
});

describe.each(TEST_DRIVERS)('facets on %s', (driver) => {
  const t = useTestStore(driver);
  let api: ReturnType<typeof createCaller>;
  beforeAll(async () => {
    api = testCaller(t.store).api;
    await api.logMany(EVENTS);
  });

  it('counts every facet of the matching events, with the total', async () => {
    const { total, facets } = await api.facets({});
    expect(total).toBe(4);
    expect(facets.outcome).toEqual([
      { value: 'success', count: 3 },
      { value: 'failure', count: 1 },
    ]);
    expect(facets.resourceType).toEqual(
      expect.arrayContaining([
        { value: 'user', count: 2 },
        { value: 'invoice', count: 1 },
        { value: null, count: 1 },
      ]),
    );
    // An actor shows as their email, or their id when they have none.
    expect(facets.actor.map((v) => v.value).sort()).toEqual([
      'Ann@Example.com',
      'bob@example.com',
      'ci',
      'dee@example.com',
    ]);
    expect(facets.actorType).toEqual([
      { value: 'user', count: 3 },
      { value: 'service', count: 1 },
    ]);
  });

  it('draws the view over time: every bucket, by outcome, summing to the total', async () => {
    const { total, histogram } = await api.facets({ filter: { q: 'created:>=2026-01-01' } });
    // Six days of events at most: buckets of hours, each one there, empty or not.
    expect(histogram.width).toBeLessThanOrEqual(3_600_000 * 3);
    const starts = histogram.buckets.map((b) => Date.parse(b.start));
    for (let i = 1; i < starts.length; i++) {
      expect((starts[i] as number) - (starts[i - 1] as number)).toBe(histogram.width);
    }
    const sum = (key: 'success' | 'failure') => histogram.buckets.reduce((n, b) => n + b[key], 0);
    expect(sum('success') + sum('failure')).toBe(total);
    expect(sum('failure')).toBe(1);
  });

  it('counts a facet under every selection but its own, and the total under all', async () => {
    const { total, facets } = await api.facets({
      filter: { q: 'resource:user action:user.role_changed' },
    });
    expect(total).toBe(1);
    // Both user-resource actions stay listed, so another can be picked beside the first.
    expect(facets.action).toEqual(
      expect.arrayContaining([
        { value: 'user.role_changed', count: 1 },
        { value: 'user_x.deleted', count: 1 },
      ]),
    );
    expect(facets.action).toHaveLength(2);
    expect(facets.resourceType).toEqual([{ value: 'user', count: 1 }]);
    expect(facets.outcome).toEqual([{ value: 'success', count: 1 }]);

    const excluded = await api.facets({ filter: { q: '-outcome:success' }, top: 1 });
    expect(excluded.total).toBe(1);
    expect(excluded.facets.outcome).toEqual([{ value: 'success', count: 3 }]);
    expect(excluded.facets.action).toEqual([{ value: 'auth.signed_in', count: 1 }]);
  });

  it("searches a facet's values by any part, in any case, under the other selections", async () => {
    const found = await api.facetValues({ facet: 'actor', text: 'EXAMPLE.com' });
    expect(found.approximate).toBe(false);
    expect(found.values.map((v) => v.value).sort()).toEqual([
      'Ann@Example.com',
      'bob@example.com',
      'dee@example.com',
    ]);
    // The actor's own selection is not applied to its values; the others are.
    const narrowed = await api.facetValues({
      facet: 'actor',
      text: 'example',
      filter: { q: 'actor:bob@example.com outcome:failure' },
    });
    expect(narrowed.values).toEqual([expect.objectContaining({ count: 1 })]);
    // LIKE's wildcards are plain characters here.
    expect((await api.facetValues({ facet: 'actor', text: '%' })).values).toEqual([]);
    await expect(api.facetValues({ facet: 'actor', text: '  ' })).rejects.toThrow(
      'type part of a value to look for',
    );
  });
});
