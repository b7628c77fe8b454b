import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * The driver beneath Prisma, for the two things Prisma's raw queries cannot do: run a
 * multi-statement migration script, and hold a session-level advisory lock on one
 * connection for the whole migration.
 */
export interface RawSql {
  /** Runs `fn` on one connection (sessions, advisory locks and transactions stay on it). */
  withConnection<T>(fn: (conn: RawConnection) => Promise<T>): Promise<T>;
}

export interface RawConnection {
  exec(script: string): Promise<void>;
  query<Row>(text: string, params?: unknown[]): Promise<Row[]>;
}

export function pgliteRawSql(db: PGlite): RawSql {
  const conn: RawConnection = {
    async exec(script) {
      await db.exec(script);
    },
    async query<Row>(text: string, params?: unknown[]) {
      return (await db.query<Row>(text, params)).rows;
    },
  };
  // PGlite is a single in-process session, so it is always "one connection".
  return { withConnection: (fn) => fn(conn) };
}

export function pgRawSql(pool: pg.Pool): RawSql {
  return {
    async withConnection(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          async exec(script) {
            // Without parameters node-postgres uses the simple query protocol, which
            // accepts several statements in one string.
            await client.query(script);
          },
          async query<Row>(text: string, params?: unknown[]) {
            return (await client.query(text, params)).rows as Row[];
          },
        });
      } finally {
        client.release();
      }
    },
  };
}
