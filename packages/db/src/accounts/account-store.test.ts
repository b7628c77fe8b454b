import { describe, expect, it } from 'vitest';
import { TEST_DRIVERS } from '../test-databases';
import { useTestStore } from '../test-store';
import { AccountStore } from './account-store';

describe.each(TEST_DRIVERS)('accounts on %s', (driver) => {
  const t = useTestStore(driver);

  it('sign-in limits let one address make at most 100 failed tries a day, and record one refusal', async () => {
    const limits = new AccountStore(t.db).signInLimits;
    const outcomes = [];
    // A new account each time: no per-account pause ever applies, only the address's.
    for (let i = 0; i < 110; i++) outcomes.push(await limits.attempt('192.0.2.7', `u${i}@x.test`));
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(100);
    // Only these are worth an event in the log (sign-in records one per allowed failure).
    expect(outcomes.filter((o) => !o.allowed && o.firstRefusal)).toHaveLength(1);
    expect(await limits.attempt('198.51.100.1', 'u0@x.test')).toMatchObject({ allowed: true });
  });

  it('keep an admin from demoting or disabling the last active admin, even racing', async () => {
    const accounts = new AccountStore(t.db);
    const user = (email: string) =>
      accounts.createUser({ email, name: email, role: 'admin', passwordHash: 'x' });
    const [a, b] = await Promise.all([user('a@x.test'), user('b@x.test')]);
    const results = await Promise.allSettled([
      accounts.setRole(a.id, 'auditor'),
      accounts.disableUser(b.id, { revokeKeys: false }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: 'BAD_REQUEST', message: 'the last active admin cannot be removed' },
    });
  });
});
