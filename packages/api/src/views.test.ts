import { TEST_DRIVERS } from '@auditlog/db/testing';
import { useTestStore } from '@auditlog/db/testing/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from './auth/principal';
import { principals, testCaller } from './test-caller';

describe.each(TEST_DRIVERS)('saved views on %s', (driver) => {
  const t = useTestStore(driver);
  let caller: ReturnType<typeof testCaller>;
  const people: Record<'alice' | 'bob' | 'ada', Principal & { kind: 'user' }> = {} as never;
  const as = (who: keyof typeof people) => caller.as(people[who]);

  beforeAll(async () => {
    caller = testCaller(t.store);
    for (const [name, role] of [
      ['alice', 'auditor'],
      ['bob', 'auditor'],
      ['ada', 'admin'],
    ] as const) {
      const user = await caller.accounts.createUser({
        email: `${name}@example.com`,
        name,
        role,
        passwordHash: 'unused',
      });
      people[name] = { ...principals.auditor, user: { ...user } };
    }
  });

  const viewEvents = async () =>
    (await caller.api.query({ filter: { q: 'resource:saved_view' }, limit: 100 })).events.reverse();

  it('keeps a view private until shared, lets the team pin it, and only its owner or an admin change it', async () => {
    const query = { q: 'action:user.* -outcome:success', range: '7d' as const };
    const view = await as('alice').views.create({ name: 'Failed user changes', query });
    expect(view).toMatchObject({
      query,
      shared: false,
      pinned: false,
      owner: { email: 'alice@example.com' },
    });
    expect(await as('bob').views.list()).toEqual([]);
    await expect(as('bob').views.update({ id: view.id, pinned: true })).rejects.toThrow(
      'no such saved view',
    );

    await as('alice').views.update({ id: view.id, shared: true });
    await as('bob').views.update({ id: view.id, pinned: true });
    const mine = await as('bob').views.create({ name: 'Mine', query: { actor: 'bob' } });
    expect((await as('bob').views.list()).map((v) => [v.name, v.pinned])).toEqual([
      ['Failed user changes', true],
      ['Mine', false],
    ]);
    await expect(as('bob').views.update({ id: view.id, name: 'Renamed' })).rejects.toThrow(
      'only alice@example.com or an admin can change or delete this view',
    );
    await expect(as('bob').views.delete({ id: view.id })).rejects.toThrow(/only alice@example.com/);
    await as('ada').views.update({ id: view.id, name: 'Failed changes to users' });
    await expect(
      as('alice').views.create({ name: 'Failed changes to users', query: {} }),
    ).rejects.toThrow('you already have a view named "Failed changes to users"');
    // Bob's own name is his: another person may use it.
    await as('alice').views.create({ name: 'Mine', query: {} });

    await as('bob').views.delete({ id: mine.id });
    await as('alice').views.delete({ id: view.id });
    expect(await as('bob').views.list()).toEqual([]);
  });

  it('records every create, change and delete with who did it and what changed', async () => {
    const view = await as('alice').views.create({
      name: 'Sign-ins',
      query: { q: 'action:auth.*' },
    });
    await as('alice').views.update({ id: view.id, query: { q: 'action:auth.signed_in' } });
    // Saving what is already there changes nothing and records nothing.
    await as('alice').views.update({ id: view.id, name: 'Sign-ins', shared: false });
    await as('alice').views.delete({ id: view.id });
    const events = (await viewEvents()).filter((e) => e.resourceId === view.id);
    expect(events.map((e) => [e.action, e.actorEmail])).toEqual([
      ['saved_view.created', 'alice@example.com'],
      ['saved_view.changed', 'alice@example.com'],
      ['saved_view.deleted', 'alice@example.com'],
    ]);
    expect(events[0]?.metadata).toMatchObject({ name: 'Sign-ins', query: { q: 'action:auth.*' } });
    expect(events[1]?.changes).toEqual({
      before: { query: { q: 'action:auth.*' } },
      after: { query: { q: 'action:auth.signed_in' } },
    });
  });

  it('refuses a view the log could not show, naming the field, and saves nothing', async () => {
    const before = await as('alice').views.list();
    const bad = [
      [{ q: 'colour:red' }, /at characters 1-6 \(\\"colour\\"\): unknown qualifier/],
      [{ range: '2w' }, /expected one of \\"15m\\"/],
      [{ range: '7d', from: '2026-01-01' }, /a relative range or days, not both/],
      [{ from: '2026-02-01', to: '2026-01-01' }, /`from` must not be after `to`/],
      [{ from: '1 Jan' }, /must be a day \(yyyy-mm-dd\) or an ISO 8601 instant/],
      [{ colour: 'red' }, /Unrecognized key/],
    ] as const;
    for (const [query, message] of bad) {
      await expect(
        as('alice').views.create({ name: 'Bad', query: query as never }),
        JSON.stringify(query),
      ).rejects.toThrow(message);
    }
    await expect(as('alice').views.create({ name: '  ', query: {} })).rejects.toThrow(
      'a view needs a name',
    );
    expect(await as('alice').views.list()).toEqual(before);
  });
});
