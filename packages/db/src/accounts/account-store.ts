import { randomUUID } from 'node:crypto';
import { connectionsOf, type Database } from '../database';
import { Prisma, type PrismaClient, type Role } from '../generated/prisma/client';
import { prismaQueryable } from '../raw-sql';
import { CredentialChanges } from './credential-changes';
import { SignInLimits } from './sign-in-limits';

export type { Role };

/** A refused account change, with the tRPC code that says why. */
export class AccountError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST',
    message: string,
  ) {
    super(message);
  }
}

/** A person as the API shows them: never the password hash; times as ISO 8601. */
export interface PublicUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
  disabledAt: string | null;
  /** Until when sign-in is refused after failed tries from some address, if it is. */
  signInBlockedUntil: string | null;
  /** API keys this person created that still work (they outlive a disabled account). */
  activeApiKeys: number;
}

/** An API key as the API shows it: never its secret or the secret's hash. */
export interface PublicApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  createdBy: string | null;
  /** Who created the key, and whether their account is disabled while the key works. */
  creator: { email: string; disabled: boolean } | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

const userColumns = {
  id: true,
  email: true,
  name: true,
  role: true,
  createdAt: true,
  disabledAt: true,
} as const;

type UserRow = Prisma.UserGetPayload<{ select: typeof userColumns }>;
type ApiKeyRow = Prisma.ApiKeyGetPayload<object>;

function toPublicUser(u: UserRow, blockedUntil?: Date, activeApiKeys = 0): PublicUser {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    createdAt: u.createdAt.toISOString(),
    disabledAt: iso(u.disabledAt),
    signInBlockedUntil: iso(blockedUntil ?? null),
    activeApiKeys,
  };
}

const toPublicKey = (k: ApiKeyRow, creator: PublicApiKey['creator'] = null): PublicApiKey => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  createdAt: k.createdAt.toISOString(),
  createdBy: k.createdBy,
  creator,
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
});

/**
 * People, their sessions, API keys and sign-in limits. Secrets arrive here already
 * hashed (packages/api owns the hashing); this store only keeps and finds them.
 */
export class AccountStore {
  readonly signInLimits: SignInLimits;
  /** Heard whenever a key, session or account changes in a way a cache must not miss. */
  readonly credentialChanges: CredentialChanges;
  private readonly prisma: PrismaClient;

  constructor(db: Database) {
    const { prisma } = connectionsOf(db);
    this.prisma = prisma;
    this.signInLimits = new SignInLimits(prisma, prismaQueryable(prisma));
    this.credentialChanges = new CredentialChanges(db);
  }

  /**
   * Runs a change that can take away access in one transaction, which also tells other
   * server processes; this one hears it once it has committed.
   */
  private async revoking<T>(change: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    const result = await this.prisma.$transaction(async (tx) => {
      const done = await change(tx);
      await this.credentialChanges.announce(tx);
      return done;
    });
    this.credentialChanges.fire();
    return result;
  }

  async hasUsers(): Promise<boolean> {
    return (await this.prisma.user.count()) > 0;
  }

  async listUsers(): Promise<PublicUser[]> {
    const users = await this.prisma.user.findMany({
      select: userColumns,
      orderBy: { createdAt: 'asc' },
    });
    const [blocked, keys] = await Promise.all([
      this.signInLimits.blockedUntil(users.map((u) => u.email)),
      this.prisma.apiKey.groupBy({
        by: ['createdBy'],
        where: { revokedAt: null, createdBy: { not: null } },
        _count: { _all: true },
      }),
    ]);
    const keyCount = new Map(keys.map((k) => [k.createdBy, k._count._all]));
    return users.map((u) => toPublicUser(u, blocked.get(u.email), keyCount.get(u.id)));
  }

  /** The account and its password hash, for checking a sign-in. */
  userForSignIn(email: string) {
    return this.prisma.user.findUnique({ where: { email } });
  }

  async createUser(input: {
    email: string;
    name: string;
    role: Role;
    passwordHash: string;
  }): Promise<PublicUser> {
    try {
      const user = await this.prisma.user.create({
        data: { id: randomUUID(), ...input },
        select: userColumns,
      });
      return toPublicUser(user);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new AccountError('CONFLICT', `${input.email} already has an account`);
      }
      throw error;
    }
  }

  /** Changes a role; refuses to demote the last active admin. Returns the role before. */
  async setRole(id: string, role: Role): Promise<{ before: Role; user: PublicUser }> {
    return this.revoking(async (tx) => {
      const user = await tx.user.findUnique({ where: { id } });
      if (!user) throw new AccountError('NOT_FOUND', 'no such user');
      if (user.role === 'admin' && role !== 'admin') await keepAnAdmin(tx, id);
      const updated = await tx.user.update({ where: { id }, data: { role }, select: userColumns });
      return { before: user.role, user: toPublicUser(updated) };
    });
  }

  /**
   * Disables an account and ends its sessions, and revokes the API keys it created when
   * asked to; refuses for the last active admin.
   */
  async disableUser(
    id: string,
    options: { revokeKeys: boolean },
  ): Promise<{ user: PublicUser; revokedKeys: number }> {
    return this.revoking(async (tx) => {
      const user = await tx.user.findUnique({ where: { id } });
      if (!user) throw new AccountError('NOT_FOUND', 'no such user');
      if (user.role === 'admin') await keepAnAdmin(tx, id);
      const updated = await tx.user.update({
        where: { id },
        data: { disabledAt: user.disabledAt ?? new Date(), sessions: { deleteMany: {} } },
        select: userColumns,
      });
      const keys = { createdBy: id, revokedAt: null };
      const revoked = options.revokeKeys
        ? (await tx.apiKey.updateMany({ where: keys, data: { revokedAt: new Date() } })).count
        : 0;
      const left = await tx.apiKey.count({ where: keys });
      return { user: toPublicUser(updated, undefined, left), revokedKeys: revoked };
    });
  }

  /** Lets a disabled account sign in again. */
  async enableUser(id: string): Promise<PublicUser> {
    const found = await this.prisma.user.findUnique({ where: { id } });
    if (!found) throw new AccountError('NOT_FOUND', 'no such user');
    const user = await this.prisma.user.update({
      where: { id },
      data: { disabledAt: null },
      select: userColumns,
    });
    return toPublicUser(user);
  }

  /**
   * Replaces an account's password hash and ends its sessions, except `keep` (the one
   * changing its own password stays signed in).
   */
  async setPasswordHash(id: string, passwordHash: string, keep?: string): Promise<PublicUser> {
    return this.revoking(async (tx) => {
      const found = await tx.user.findUnique({ where: { id } });
      if (!found) throw new AccountError('NOT_FOUND', 'no such user');
      await tx.session.deleteMany({ where: { userId: id, ...(keep && { id: { not: keep } }) } });
      const user = await tx.user.update({
        where: { id },
        data: { passwordHash },
        select: userColumns,
      });
      return toPublicUser(user);
    });
  }

  /** The password hash of an account, to check the current password before a change. */
  async passwordHashOf(id: string): Promise<string | null> {
    const user = await this.prisma.user.findUnique({
      where: { id },
      select: { passwordHash: true },
    });
    return user?.passwordHash ?? null;
  }

  /** Lifts the sign-in limits on an account, from every address. */
  async unlockSignIn(id: string): Promise<PublicUser> {
    const user = await this.prisma.user.findUnique({ where: { id }, select: userColumns });
    if (!user) throw new AccountError('NOT_FOUND', 'no such user');
    await this.signInLimits.unlock(user.email);
    return toPublicUser(user);
  }

  createSession(session: { id: string; userId: string; expiresAt: Date }) {
    return this.prisma.session.create({ data: session });
  }

  findSession(id: string) {
    return this.prisma.session.findUnique({ where: { id }, include: { user: true } });
  }

  async touchSession(id: string, at: Date): Promise<void> {
    await this.prisma.session.updateMany({ where: { id }, data: { lastSeenAt: at } });
  }

  async endSession(id: string): Promise<void> {
    await this.revoking((tx) => tx.session.deleteMany({ where: { id } }));
  }

  async createApiKey(input: {
    name: string;
    prefix: string;
    secretHash: string;
    scopes: string[];
    createdBy: string | null;
  }): Promise<PublicApiKey> {
    return toPublicKey(await this.prisma.apiKey.create({ data: { id: randomUUID(), ...input } }));
  }

  /** The key with this prefix, with its secret's hash, for checking a request. */
  apiKeyByPrefix(prefix: string) {
    return this.prisma.apiKey.findUnique({ where: { prefix } });
  }

  async touchApiKey(id: string, at: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }

  async listApiKeys(): Promise<PublicApiKey[]> {
    const keys = await this.prisma.apiKey.findMany({ orderBy: { createdAt: 'desc' } });
    const ids = [...new Set(keys.flatMap((k) => (k.createdBy ? [k.createdBy] : [])))];
    const creators = new Map(
      (
        await this.prisma.user.findMany({
          where: { id: { in: ids } },
          select: { id: true, email: true, disabledAt: true },
        })
      ).map((u) => [u.id, { email: u.email, disabled: u.disabledAt !== null }]),
    );
    return keys.map((k) => toPublicKey(k, k.createdBy ? creators.get(k.createdBy) : null));
  }

  /** Revokes a key (at once; revoking twice keeps the first time). */
  async revokeApiKey(id: string): Promise<PublicApiKey> {
    return this.revoking(async (tx) => {
      const key = await tx.apiKey.findUnique({ where: { id } });
      if (!key) throw new AccountError('NOT_FOUND', 'no such API key');
      return toPublicKey(
        await tx.apiKey.update({
          where: { id },
          data: { revokedAt: key.revokedAt ?? new Date() },
        }),
      );
    });
  }
}

/**
 * Refuses a change that would leave nobody able to manage users and keys. Every active
 * admin is locked, always in id order, for the rest of the transaction: two admins
 * demoting each other at once take turns (rather than deadlock), and the second sees
 * the first's change.
 */
async function keepAnAdmin(tx: Prisma.TransactionClient, leaving: string): Promise<void> {
  const admins = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM "User"
     WHERE role = 'admin' AND "disabledAt" IS NULL
     ORDER BY id FOR UPDATE`;
  if (admins.every((admin) => admin.id === leaving)) {
    throw new AccountError('BAD_REQUEST', 'the last active admin cannot be removed');
  }
}
