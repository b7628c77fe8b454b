import { randomUUID } from 'node:crypto';
import { AccountStore } from '@auditlog/db';
import { TEST_DRIVERS } from '@auditlog/db/testing';
import { useTestStore } from '@auditlog/db/testing/vitest';
import { TRPCError } from '@trpc/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiKeyPrincipal, createApiKey } from './auth/api-keys';
import { hashPassword } from './auth/passwords';
import type { Principal, Scope } from './auth/principal';
import {
  createSession,
  SESSION_IDLE_MS,
  SESSION_LIFETIME_MS,
  sessionPrincipal,
} from './auth/sessions';
import { appRouter, type createCaller } from './root';
import { principals, testCaller } from './test-caller';

type Api = ReturnType<typeof createCaller>;
const entry = { actorId: 'u1', actorEmail: 'u1@example.com', action: 'doc.viewed' };
const anyId = { id: randomUUID() };

// Every procedure that is not public, with a valid input and what it requires.
const PROCEDURES: [
  string,
  'log:write' | 'log:read' | 'log:export' | 'admin' | 'a person' | 'any credentials',
  (api: Api) => Promise<unknown>,
][] = [
  ['logAction', 'log:write', (api) => api.logAction(entry)],
  ['logMany', 'log:write', (api) => api.logMany([entry])],
  ['query', 'log:read', (api) => api.query({})],
  ['facets', 'log:read', (api) => api.facets({})],
  ['facetValues', 'log:read', (api) => api.facetValues({ facet: 'actor', text: 'a' })],
  ['tail', 'log:read', (api) => api.tail({})],
  ['integrity.get', 'log:read', (api) => api.integrity.get(anyId)],
  ['integrity.checkpoint', 'log:read', (api) => api.integrity.checkpoint()],
  ['integrity.issueCheckpoint', 'admin', (api) => api.integrity.issueCheckpoint()],
  ['integrity.consistency', 'log:read', (api) => api.integrity.consistency({ from: 0, to: 0 })],
  ['integrity.verify', 'log:read', (api) => api.integrity.verify()],
  ['integrity.verification', 'log:read', (api) => api.integrity.verification(anyId)],
  ['export', 'log:export', (api) => api.export({ format: 'csv' })],
  ['privacy.erasePerson', 'admin', (api) => api.privacy.erasePerson({ actor: 'nobody' })],
  ['users.list', 'admin', (api) => api.users.list()],
  [
    'users.create',
    'admin',
    (api) =>
      api.users.create({
        email: 'x@example.com',
        name: 'X',
        role: 'auditor',
        password: 'a long enough password',
      }),
  ],
  ['users.setRole', 'admin', (api) => api.users.setRole({ ...anyId, role: 'auditor' })],
  ['users.disable', 'admin', (api) => api.users.disable(anyId)],
  ['users.unlockSignIn', 'admin', (api) => api.users.unlockSignIn(anyId)],
  ['users.enable', 'admin', (api) => api.users.enable(anyId)],
  [
    'users.resetPassword',
    'admin',
    (api) => api.users.resetPassword({ ...anyId, password: 'a long enough password' }),
  ],
  [
    'auth.changePassword',
    'any credentials',
    (api) =>
      api.auth.changePassword({ currentPassword: 'x', newPassword: 'a long enough password' }),
  ],
  ['apiKeys.list', 'admin', (api) => api.apiKeys.list()],
  ['apiKeys.create', 'admin', (api) => api.apiKeys.create({ name: 'k', scopes: ['log:read'] })],
  ['apiKeys.revoke', 'admin', (api) => api.apiKeys.revoke(anyId)],
  ['auth.signOut', 'any credentials', (api) => api.auth.signOut()],
  ['retention.policy', 'log:read', (api) => api.retention.policy()],
  [
    'retention.setPolicy',
    'admin',
    (api) => api.retention.setPolicy({ defaultDays: 'forever', overrides: [] }),
  ],
  ['retention.preview', 'admin', (api) => api.retention.preview({})],
  ['retention.holds', 'log:read', (api) => api.retention.holds()],
  [
    'retention.placeHold',
    'admin',
    (api) => api.retention.placeHold({ reason: 'r', actor: 'nobody' }),
  ],
  ['retention.releaseHold', 'admin', (api) => api.retention.releaseHold(anyId)],
  ['retention.runs', 'log:read', (api) => api.retention.runs()],
  ['retention.run', 'admin', (api) => api.retention.run({ dryRun: true })],
  [
    'imports.events',
    'admin',
    (api) =>
      api.imports.events({
        source: 'access-test',
        rows: [{ id: 'r1', actorId: 'u', action: 'doc.viewed', createdAt: '2024-01-01T00:00:00Z' }],
      }),
  ],
  ['views.list', 'a person', (api) => api.views.list()],
  ['views.create', 'a person', (api) => api.views.create({ name: 'v', query: {} })],
  ['views.update', 'a person', (api) => api.views.update({ ...anyId, pinned: true })],
  ['views.delete', 'a person', (api) => api.views.delete(anyId)],
];

const key = (scopes: Scope[]): Principal => ({
  kind: 'key',
  key: { id: randomUUID(), name: 'limited', prefix: 'limitedkey01', scopes },
});

// For each permission, a caller that lacks it.
const LACKING: Record<string, [string, Principal][]> = {
  'log:write': [
    ['an admin', principals.admin],
    ['an auditor', principals.auditor],
    ['a read-only key', key(['log:read'])],
  ],
  'log:read': [
    ['a write-only key', key(['log:write'])],
    ['an export-only key', key(['log:export'])],
  ],
  'log:export': [
    ['a read-only key', key(['log:read'])],
    ['a write-only key', key(['log:write'])],
  ],
  admin: [
    ['an auditor', principals.auditor],
    ['a key with every scope', principals.service],
  ],
  // Saved views are kept per person: no key has any.
  'a person': [['a key with every scope', principals.service]],
};

async function code(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? error.code : String(error);
  }
}

describe.each(TEST_DRIVERS)('who may call what on %s', (driver) => {
  const t = useTestStore(driver);
  let caller: ReturnType<typeof testCaller>;
  beforeAll(async () => {
    caller = testCaller(t.store);
  });

  it('lists every procedure that is not public', () => {
    const all = Object.keys(appRouter._def.procedures).filter(
      (path) => !['auth.me', 'auth.signIn'].includes(path),
    );
    expect(PROCEDURES.map(([name]) => name).sort()).toEqual(all.sort());
  });

  it.each(PROCEDURES)(
    '%s refuses a caller without credentials with UNAUTHORIZED',
    async (_, __, call) => {
      expect(await code(call(caller.as(null)))).toBe('UNAUTHORIZED');
    },
  );

  it.each(PROCEDURES)(
    '%s refuses every caller lacking %s with FORBIDDEN',
    async (_, permission, call) => {
      for (const [who, principal] of LACKING[permission] ?? []) {
        expect(await code(call(caller.as(principal))), who).toBe('FORBIDDEN');
      }
    },
  );

  it.each(PROCEDURES)('%s admits a caller holding %s', async (_, permission, call) => {
    const allowed =
      permission === 'admin'
        ? principals.admin
        : permission === 'any credentials' || permission === 'a person'
          ? principals.auditor
          : key([permission]);
    expect(await code(call(caller.as(allowed)))).not.toMatch(/UNAUTHORIZED|FORBIDDEN/);
  });
});

describe.each(TEST_DRIVERS)('credentials on %s', (driver) => {
  const t = useTestStore(driver);
  let accounts: AccountStore;
  let userId: string;
  beforeAll(async () => {
    accounts = new AccountStore(t.db);
    userId = (
      await accounts.createUser({
        email: 'eve@example.com',
        name: 'Eve',
        role: 'auditor',
        passwordHash: await hashPassword('correct horse battery'),
      })
    ).id;
  });

  it('an API key works until it is revoked, and a wrong secret never works', async () => {
    const { key, secret } = await createApiKey(accounts, {
      name: 'ci',
      scopes: ['log:read'],
      createdBy: null,
    });
    expect(await apiKeyPrincipal(accounts, secret)).toMatchObject({
      kind: 'key',
      key: { scopes: ['log:read'] },
    });
    const wrong = `${secret.slice(0, -4)}AAAA`;
    expect(await apiKeyPrincipal(accounts, wrong)).toBeNull();
    expect(await apiKeyPrincipal(accounts, 'alk_garbage')).toBeNull();
    await accounts.revokeApiKey(key.id);
    expect(await apiKeyPrincipal(accounts, secret)).toBeNull();
  });

  it('a session ends when it expires, when idle too long, and when its user is disabled', async () => {
    const { token } = await createSession(accounts, userId);
    expect(await sessionPrincipal(accounts, token)).toMatchObject({
      user: { email: 'eve@example.com' },
    });
    expect(
      await sessionPrincipal(accounts, token, new Date(Date.now() + SESSION_IDLE_MS + 60_000)),
    ).toBeNull();
    expect(await sessionPrincipal(accounts, token)).toBeNull();

    const second = await createSession(accounts, userId);
    await accounts.touchSession(second.id, new Date(Date.now() + SESSION_LIFETIME_MS));
    expect(
      await sessionPrincipal(
        accounts,
        second.token,
        new Date(Date.now() + SESSION_LIFETIME_MS + 1000),
      ),
    ).toBeNull();

    const admin = await accounts.createUser({
      email: 'root@example.com',
      name: 'Root',
      role: 'admin',
      passwordHash: 'x',
    });
    const third = await createSession(accounts, admin.id);
    await accounts.createUser({
      email: 'r2@example.com',
      name: 'R2',
      role: 'admin',
      passwordHash: 'x',
    });
    await accounts.disableUser(admin.id, { revokeKeys: false });
    expect(await sessionPrincipal(accounts, third.token)).toBeNull();
  });

  it('counts failures per account and address, says how many tries remain, and logs each', async () => {
    const caller = testCaller(t.store);
    const fromA = caller.as(null, '198.51.100.7');
    const user = await fromA.auth.signIn({
      email: 'Eve@Example.com',
      password: 'correct horse battery',
    });
    expect(user).toMatchObject({ email: 'eve@example.com', role: 'auditor' });
    expect(caller.cookies.set).toHaveLength(1);
    const messages: string[] = [];
    for (let i = 0; i < 5; i++) {
      await fromA.auth
        .signIn({ email: 'eve@example.com', password: `wrong ${i}` })
        .catch((e: TRPCError) => messages.push(`${e.code} ${e.message}`));
    }
    expect(messages[0]).toBe(
      'UNAUTHORIZED Wrong email or password. 4 tries left before sign-in from this address pauses.',
    );
    expect(messages[3]).toMatch(/1 try left/);
    expect(messages[4]).toMatch(/No tries left/);
    await expect(
      fromA.auth.signIn({ email: 'eve@example.com', password: 'correct horse battery' }),
    ).rejects.toThrow(/Too many failed sign-ins from this address. Try again in 15 minutes/);
    // Hammering the paused sign-in is refused too, but logged only once.
    for (let i = 0; i < 3; i++) {
      expect(await code(fromA.auth.signIn({ email: 'eve@example.com', password: 'again' }))).toBe(
        'TOO_MANY_REQUESTS',
      );
    }
    // Guessing from one address does not lock the owner out from theirs.
    await expect(
      caller.as(null, '203.0.113.50').auth.signIn({
        email: 'eve@example.com',
        password: 'correct horse battery',
      }),
    ).resolves.toMatchObject({ email: 'eve@example.com' });

    const reader = caller.as(principals.auditor);
    const failed = (await reader.query({ filter: { action: 'auth.sign_in_failed' } })).events;
    expect(failed).toHaveLength(6);
    expect(failed.at(-1)).toMatchObject({
      actorId: userId,
      actorEmail: 'eve@example.com',
      outcome: 'failure',
      ip: '198.51.100.7',
    });
    expect(failed.map((e) => e.metadata?.reason)).toContain('rate_limited');
    // Seven password checks (scrypt, 128 MiB each): over 30 s while CI runs every suite.
  }, 120_000);

  it('counts attempts that arrive together as if they came one after another', async () => {
    const fromC = testCaller(t.store).as(null, '192.0.2.99');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        code(fromC.auth.signIn({ email: 'eve@example.com', password: `guess ${i}` })),
      ),
    );
    expect(results.filter((r) => r === 'UNAUTHORIZED')).toHaveLength(5);
    expect(results.filter((r) => r === 'TOO_MANY_REQUESTS')).toHaveLength(7);
    expect(
      await code(
        fromC.auth.signIn({ email: 'eve@example.com', password: 'correct horse battery' }),
      ),
    ).toBe('TOO_MANY_REQUESTS');
  });

  it('an admin sees a paused account and unlocks it', async () => {
    const { admin, as } = testCaller(t.store);
    const paused = (await admin.users.list()).find((u) => u.id === userId);
    expect(Date.parse(paused?.signInBlockedUntil ?? '')).toBeGreaterThan(Date.now());
    await admin.users.unlockSignIn({ id: userId });
    expect((await admin.users.list()).find((u) => u.id === userId)?.signInBlockedUntil).toBeNull();
    await expect(
      as(null, '192.0.2.99').auth.signIn({
        email: 'eve@example.com',
        password: 'correct horse battery',
      }),
    ).resolves.toMatchObject({ email: 'eve@example.com' });
  });

  it('an unknown account fails the same way as a wrong password', async () => {
    const anonymous = testCaller(t.store).as(null);
    await expect(
      anonymous.auth.signIn({ email: 'nobody@example.com', password: 'whatever it is' }),
    ).rejects.toThrow(/^Wrong email or password. 4 tries left/);
  });
});

describe('administration', () => {
  const t = useTestStore('pglite');

  it('creates users and keys, changes roles, keeps one admin, and logs each change', async () => {
    const { admin, as } = testCaller(t.store);
    const boss = await admin.users.create({
      email: 'boss@example.com',
      name: 'Boss',
      role: 'admin',
      password: 'a very long password',
    });
    const otto = await admin.users.create({
      email: 'otto@example.com',
      name: 'Otto',
      role: 'admin',
      password: 'a very long password',
    });
    await expect(
      admin.users.create({
        email: 'otto@example.com',
        name: 'Again',
        role: 'auditor',
        password: 'a very long password',
      }),
    ).rejects.toThrow(/already has an account/);
    await expect(
      admin.users.create({
        email: 'short@example.com',
        name: 'S',
        role: 'auditor',
        password: 'short',
      }),
    ).rejects.toThrow(/at least 12/);
    await admin.users.setRole({ id: otto.id, role: 'auditor' });
    await expect(admin.users.disable({ id: boss.id })).rejects.toThrow(/last active admin/);
    const created = await admin.apiKeys.create({ name: 'billing backend', scopes: ['log:write'] });
    expect(created.secret).toMatch(/^alk_[A-Za-z0-9]{12}_/);
    expect(JSON.stringify(await admin.apiKeys.list())).not.toContain(
      created.secret.slice('alk_'.length + 12 + 1),
    );
    await admin.apiKeys.revoke({ id: created.id });
    const actions = (await as(principals.auditor).query({ limit: 50 })).events
      .map((e) => e.action)
      .reverse();
    expect(actions).toEqual([
      'user.created',
      'user.created',
      'user.role_changed',
      'api_key.created',
      'api_key.revoked',
    ]);
  });

  it('disables a person with or without their API keys, re-enables them, and resets or changes passwords', async () => {
    const { admin, as, accounts } = testCaller(t.store);
    const password = 'first long password';
    const carol = await admin.users.create({
      email: 'carol@example.com',
      name: 'Carol',
      role: 'admin',
      password,
    });
    const asCarol = { ...principals.admin, user: { ...principals.admin.user, id: carol.id } };
    const { key, secret } = await createApiKey(accounts, {
      name: "carol's key",
      scopes: ['log:read'],
      createdBy: carol.id,
    });
    expect((await admin.users.list()).find((u) => u.id === carol.id)?.activeApiKeys).toBe(1);

    // Disabled alone, her key keeps working, and the keys page says whose it is.
    await admin.users.disable({ id: carol.id });
    expect(await apiKeyPrincipal(accounts, secret)).not.toBeNull();
    expect((await admin.apiKeys.list()).find((k) => k.id === key.id)?.creator).toEqual({
      email: 'carol@example.com',
      disabled: true,
    });
    // Disabled with her keys, it stops.
    await admin.users.enable({ id: carol.id });
    await admin.users.disable({ id: carol.id, revokeKeys: true });
    expect(await apiKeyPrincipal(accounts, secret)).toBeNull();
    await admin.users.enable({ id: carol.id });

    // An admin's reset ends her sessions; the new password works, the old does not.
    const before = await createSession(accounts, carol.id);
    await admin.users.resetPassword({ id: carol.id, password: 'second long password' });
    expect(await sessionPrincipal(accounts, before.token)).toBeNull();
    const anonymous = as(null, '203.0.113.77');
    await expect(anonymous.auth.signIn({ email: carol.email, password })).rejects.toThrow(/Wrong/);
    await anonymous.auth.signIn({ email: carol.email, password: 'second long password' });

    // She changes it herself: the current one is required; her other sessions end.
    const mine = await createSession(accounts, carol.id);
    const other = await createSession(accounts, carol.id);
    const self = as({ ...asCarol, sessionId: mine.id }, '203.0.113.77');
    await expect(
      self.auth.changePassword({ currentPassword: 'wrong', newPassword: 'third long password' }),
    ).rejects.toThrow('The current password is wrong.');
    await self.auth.changePassword({
      currentPassword: 'second long password',
      newPassword: 'third long password',
    });
    expect(await sessionPrincipal(accounts, mine.token)).not.toBeNull();
    expect(await sessionPrincipal(accounts, other.token)).toBeNull();
    await expect(
      as(principals.service).auth.changePassword({
        currentPassword: 'x',
        newPassword: 'a long enough password',
      }),
    ).rejects.toThrow('an API key has no password');

    const actions = (await as(principals.auditor).query({ filter: { action: 'user.*' } })).events
      .map((e) => e.action)
      .reverse();
    expect(actions).toEqual(
      expect.arrayContaining([
        'user.disabled',
        'user.enabled',
        'user.password_reset',
        'user.password_changed',
      ]),
    );
  });
});
