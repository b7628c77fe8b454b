import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { PrismaClient } from './generated/prisma/client';

/**
 * The driver beneath Prisma, for what Prisma's raw queries cannot do (run a
 * multi-statement migration script, hold a session-level advisory lock on one connection
 * for a whole migration, integrate events into the tree from a worker thread that has no
 * Prisma client of its own) and for appends, the hottest path: a Prisma raw query cost
 * 300–400 µs of CPU against 50–70 µs for the same statement on the driver, measured side
 * by side.
 */
export interface RawSql extends Queryable {
  /** Runs `fn` on one connection (sessions, advisory locks and transactions stay on it). */
  withConnection<T>(fn: (conn: RawConnection) => Promise<T>): Promise<T>;
  /** Runs `fn` in a transaction on one connection: committed if it resolves. */
  transaction<T>(fn: (conn: RawConnection) => Promise<T>): Promise<T>;
  /** Streams what `COPY ... TO STDOUT` writes (PostgreSQL only: PGlite cannot stream it). */
  copyOut?(sql: string): AsyncGenerator<Buffer>;
}

export interface RawConnection extends Queryable {
  exec(script: string): Promise<void>;
}

/** An int8 as the drivers answer it: node-postgres a string, PGlite and Prisma a bigint. */
export type Int8 = string | bigint | number;

/** Whatever runs one parameterised statement: a raw connection, or Prisma. */
export interface Queryable {
  /**
   * `prepared` names a statement whose text never changes: PostgreSQL parses and plans it
   * once per connection (PGlite and Prisma run it as they run any other).
   */
  query<Row>(text: string, params?: unknown[], prepared?: string): Promise<Row[]>;
}

export function prismaQueryable(prisma: Pick<PrismaClient, '$queryRawUnsafe'>): Queryable {
  return { query: (text, params = []) => prisma.$queryRawUnsafe(text, ...params) };
}

export function pgliteRawSql(db: PGlite): RawSql {
  const conn = (session: Pick<PGlite, 'exec' | 'query'>): RawConnection => ({
    async exec(script) {
      await session.exec(script);
    },
    async query<Row>(text: string, params?: unknown[]) {
      return (await session.query<Row>(text, params)).rows;
    },
  });
  return {
    query: conn(db).query,
    // PGlite is a single in-process session, so it is always "one connection".
    withConnection: (fn) => fn(conn(db)),
    // Its transaction() holds the session for itself until done: Prisma's queries from
    // elsewhere in the process wait instead of landing inside this transaction.
    transaction: (fn) => db.transaction((tx) => fn(conn(tx))),
  };
}

export function pgRawSql(pool: pg.Pool): RawSql {
  async function withConnection<T>(fn: (conn: RawConnection) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      return await fn({
        async exec(script) {
          // Without parameters node-postgres uses the simple query protocol, which
          // accepts several statements in one string.
          await client.query(script);
        },
        async query<Row>(text: string, params: unknown[] = [], prepared?: string) {
          return (await client.query({ text, values: params, name: prepared })).rows as Row[];
        },
      });
    } finally {
      client.release();
    }
  }
  async function* copyOut(sql: string): AsyncGenerator<Buffer> {
    const client = await pool.connect();
    let finished = false;
    try {
      for await (const chunk of client.query(copyTo(sql))) yield chunk as Buffer;
      finished = true;
    } finally {
      // A COPY abandoned half-way (the download was cancelled) leaves its connection
      // mid-protocol: it is closed rather than handed to the next query.
      client.release(!finished);
    }
  }
  return {
    async query<Row>(text: string, params: unknown[] = [], prepared?: string) {
      return (await pool.query({ text, values: params, name: prepared })).rows as Row[];
    },
    withConnection,
    copyOut,
    transaction: (fn) =>
      withConnection(async (conn) => {
        await conn.exec('BEGIN');
        try {
          const result = await fn(conn);
          await conn.exec('COMMIT');
          return result;
        } catch (error) {
          await conn.exec('ROLLBACK').catch(() => {});
          throw error;
        }
      }),
  };
}
