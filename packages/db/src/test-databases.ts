import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connectionsOf, type Database, openDatabase } from './database';
import { migrate } from './migrate/migrate';

/**
 * The two databases every integration test runs on: embedded PGlite in memory, and a
 * fresh PostgreSQL database made for the test and dropped after it. PostgreSQL is
 * required: when it cannot be reached the tests fail rather than skip.
 */
export const TEST_DRIVERS = ['pglite', 'postgres'] as const;
export type TestDriver = (typeof TEST_DRIVERS)[number];

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * Runs SQL with the log's triggers off, as an attacker with database access would: how
 * tests damage a log to see that it is noticed.
 */
export function tamper(db: Database, sql: string): Promise<void> {
  return connectionsOf(db).raw.withConnection((c) =>
    c.exec(
      `SET session_replication_role = replica; ${sql}; SET session_replication_role = origin;`,
    ),
  );
}

/** Runs one statement as it is, for tests that arrange or inspect rows directly. */
export function testSql<Row>(db: Database, text: string, params?: unknown[]): Promise<Row[]> {
  return connectionsOf(db).raw.withConnection((c) => c.query<Row>(text, params));
}

/** The SQL of a page of events, which the HTTP benchmark EXPLAINs and times raw. */
export { eventPageSql } from './query/query';
/** Benchmarks measure their raw baselines on the same connections as the store. */
export { connectionsOf };

export interface TestDatabase extends Database {
  drop(): Promise<void>;
}

export async function createTestDatabase(driver: TestDriver): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const db = await openDatabase({ dataDir: 'memory://' });
    await migrate(db);
    return Object.assign(db, { drop: () => db.close() });
  }
  const name = `audit_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await admin.connect().catch((error: Error) => {
    throw new Error(
      `PostgreSQL tests need a server at ${ADMIN_URL} (set TEST_DATABASE_URL): ${error.message}`,
    );
  });
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() });
  await migrate(db);
  return Object.assign(db, {
    async drop() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: ADMIN_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    },
  });
}
