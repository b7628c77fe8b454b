import { AccountStore, type Database, openDatabase } from '@auditlog/db';
import { TEST_DRIVERS, testSql } from '@auditlog/db/testing';
import { useTestStore } from '@auditlog/db/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from './api-keys';
import { Credentials } from './credentials';
import { createSession } from './sessions';

// Changes the stored hash behind the stores' backs: a remembered key keeps working (it
// was not read again), a key read from the database stops.
const forgetSecret = (db: Database, id: string) =>
  testSql(db, `UPDATE "ApiKey" SET "secretHash" = repeat('0', 64) WHERE id = $1`, [id]);

describe.each(TEST_DRIVERS)('verified credentials, remembered (%s)', (driver) => {
  const t = useTestStore(driver);
  let accounts: AccountStore;
  let credentials: Credentials;
  beforeAll(() => {
    accounts = new AccountStore(t.db);
    credentials = new Credentials(accounts);
  });

  const newKey = () => createApiKey(accounts, { name: 'k', scopes: ['log:read'], createdBy: null });

  it('a verified key is answered from memory, and refused the moment it is revoked', async () => {
    await expect.poll(() => accounts.credentialChanges.reliable).toBe(true);
    const { key, secret } = await newKey();
    expect(await credentials.fromApiKey(secret)).toMatchObject({ kind: 'key' });
    await forgetSecret(t.db, key.id);
    expect(await credentials.fromApiKey(secret)).toMatchObject({ kind: 'key' });
    await accounts.revokeApiKey(key.id);
    expect(await credentials.fromApiKey(secret)).toBeNull();
  });

  it('a wrong key is never remembered as right', async () => {
    const { secret } = await newKey();
    const wrong = `${secret.slice(0, -4)}AAAA`;
    expect(await credentials.fromApiKey(wrong)).toBeNull();
    expect(await credentials.fromApiKey(secret)).not.toBeNull();
    expect(await credentials.fromApiKey(wrong)).toBeNull();
  });

  it('a session ends at once on sign-out, a role change or a disabled account', async () => {
    const user = await accounts.createUser({
      email: `${driver}-s@example.com`,
      name: 'S',
      role: 'admin',
      passwordHash: 'x',
    });
    await accounts.createUser({
      email: `${driver}-other@example.com`,
      name: 'O',
      role: 'admin',
      passwordHash: 'x',
    });
    const first = await createSession(accounts, user.id);
    expect(await credentials.fromSession(first.token)).toMatchObject({ user: { role: 'admin' } });
    await accounts.endSession(first.id);
    expect(await credentials.fromSession(first.token)).toBeNull();

    const second = await createSession(accounts, user.id);
    expect(await credentials.fromSession(second.token)).toMatchObject({ user: { role: 'admin' } });
    await accounts.setRole(user.id, 'auditor');
    expect(await credentials.fromSession(second.token)).toMatchObject({
      user: { role: 'auditor' },
    });
    await accounts.disableUser(user.id, { revokeKeys: false });
    expect(await credentials.fromSession(second.token)).toBeNull();
  });
});

describe('verified credentials across server processes (postgres)', () => {
  const t = useTestStore('postgres');
  // Each "process" has its own pool and listening connection to the same database.
  let other: Database;
  let here: AccountStore;
  let there: AccountStore;
  let credentials: Credentials;
  beforeAll(async () => {
    other = await openDatabase({ url: t.db.url });
    here = new AccountStore(t.db);
    there = new AccountStore(other);
    credentials = new Credentials(here);
  });
  afterAll(() => other.close());

  it('a key revoked by another process is refused here within moments', async () => {
    await expect.poll(() => here.credentialChanges.reliable).toBe(true);
    const { key, secret } = await createApiKey(here, { name: 'k', scopes: [], createdBy: null });
    expect(await credentials.fromApiKey(secret)).not.toBeNull();
    await there.revokeApiKey(key.id);
    await expect.poll(() => credentials.fromApiKey(secret), { timeout: 3000 }).toBeNull();
  });

  it('while the listening connection is lost nothing is answered from memory', async () => {
    const { key, secret } = await createApiKey(here, { name: 'k', scopes: [], createdBy: null });
    expect(await credentials.fromApiKey(secret)).not.toBeNull();
    await testSql(
      t.db,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
    );
    await expect.poll(() => here.credentialChanges.reliable).toBe(false);
    await forgetSecret(t.db, key.id);
    expect(await credentials.fromApiKey(secret)).toBeNull();
    await expect.poll(() => here.credentialChanges.reliable, { timeout: 5000 }).toBe(true);
  });
});
