import { randomUUID } from 'node:crypto';
import type { LogView } from '@auditlog/audit';
import { AccountError } from '../accounts/account-store';
import { connectionsOf, type Database } from '../database';
import { Prisma, type PrismaClient } from '../generated/prisma/client';

/** A saved view as the API shows it. */
export interface SavedView {
  id: string;
  name: string;
  query: LogView;
  owner: { id: string; email: string };
  shared: boolean;
  pinned: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What a change to a view may set. */
export type SavedViewChange = Partial<Pick<SavedView, 'name' | 'query' | 'shared' | 'pinned'>>;

const withOwner = { owner: { select: { id: true, email: true } } } as const;
type Row = Prisma.SavedViewGetPayload<{ include: typeof withOwner }>;

const toSavedView = (row: Row): SavedView => ({
  id: row.id,
  name: row.name,
  // Written only through logViewSchema (packages/api), so it reads back as one.
  query: row.query as LogView,
  owner: row.owner,
  shared: row.shared,
  pinned: row.pinned,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** Named views of the log: each person's own, and those shared with the team. */
export class SavedViewStore {
  private readonly prisma: PrismaClient;

  constructor(db: Database) {
    this.prisma = connectionsOf(db).prisma;
  }

  /** The views this person can open: their own and every shared one; pinned first. */
  async list(userId: string): Promise<SavedView[]> {
    const rows = await this.prisma.savedView.findMany({
      where: { OR: [{ ownerId: userId }, { shared: true }] },
      include: withOwner,
      orderBy: [{ pinned: 'desc' }, { name: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toSavedView);
  }

  async get(id: string): Promise<SavedView | undefined> {
    const row = await this.prisma.savedView.findUnique({ where: { id }, include: withOwner });
    return row ? toSavedView(row) : undefined;
  }

  async create(input: {
    ownerId: string;
    name: string;
    query: LogView;
    shared: boolean;
    pinned: boolean;
  }): Promise<SavedView> {
    return named(input.name, async () =>
      toSavedView(
        await this.prisma.savedView.create({
          data: { id: randomUUID(), ...input },
          include: withOwner,
        }),
      ),
    );
  }

  /** Changes a view; returns it as it was and as it is. */
  async update(
    id: string,
    change: SavedViewChange,
  ): Promise<{ before: SavedView; after: SavedView }> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.savedView.findUnique({ where: { id }, include: withOwner });
      if (!row) throw new AccountError('NOT_FOUND', 'no such saved view');
      const updated = await named(change.name ?? row.name, () =>
        tx.savedView.update({
          where: { id },
          data: { ...change, updatedAt: new Date() },
          include: withOwner,
        }),
      );
      return { before: toSavedView(row), after: toSavedView(updated) };
    });
  }

  /** Deletes a view; returns what it was. */
  async delete(id: string): Promise<SavedView> {
    try {
      return toSavedView(await this.prisma.savedView.delete({ where: { id }, include: withOwner }));
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') {
        throw new AccountError('NOT_FOUND', 'no such saved view');
      }
      throw error;
    }
  }
}

/** Runs a write that sets a view's name, saying so when its owner already has that name. */
async function named<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new AccountError('CONFLICT', `you already have a view named "${name}"`);
    }
    throw error;
  }
}
