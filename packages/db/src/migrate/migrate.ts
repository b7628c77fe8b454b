import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectionsOf, type Database } from '../database';
import type { RawConnection } from '../raw-sql';

/** prisma/migrations at the repository root. */
// prisma/migrations in the repository; the built server carries a copy beside its bundle.
export const MIGRATIONS_DIR = new URL(
  import.meta.url.endsWith('.ts') ? '../../../../prisma/migrations/' : './migrations/',
  import.meta.url,
).pathname;

// The key Prisma's own migrate engine locks on, so that this migrator and a
// `prisma migrate deploy` run elsewhere never interleave.
const PRISMA_MIGRATE_LOCK = 72707369;

// Prisma's bookkeeping table, column for column, so `prisma migrate status` reads ours.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
      // Prisma's checksum: SHA-256 of the file's bytes, in hex.
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export class MigrationError extends Error {}

/**
 * Applies the migrations not yet recorded in `_prisma_migrations`, each in its own
 * transaction, under Prisma's advisory lock. Refuses to go on if an applied migration was
 * edited afterwards or another migrator left one unfinished: both need a person to look.
 */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const sql = connectionsOf(db).raw;
  const migrations = await readMigrations(dir);
  return sql.withConnection(async (conn) => {
    await conn.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    try {
      await conn.exec(CREATE_MIGRATIONS_TABLE);
      const applied = await conn.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
      );
      const byName = new Map(applied.map((row) => [row.migration_name, row]));
      const done: string[] = [];
      for (const migration of migrations) {
        const row = byName.get(migration.name);
        if (row) {
          checkApplied(migration, row);
          continue;
        }
        await apply(conn, migration);
        done.push(migration.name);
      }
      return done;
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]);
    }
  });
}

function checkApplied(migration: Migration, row: AppliedRow): void {
  if (!row.finished_at) {
    throw new MigrationError(
      `migration ${migration.name} started but did not finish; inspect the database, then mark it rolled back in _prisma_migrations`,
    );
  }
  if (row.checksum !== migration.checksum) {
    throw new MigrationError(
      `migration ${migration.name} was edited after it was applied (checksum ${row.checksum} in the database, ${migration.checksum} on disk)`,
    );
  }
}

async function apply(conn: RawConnection, migration: Migration): Promise<void> {
  const id = randomUUID();
  await conn.query(
    'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
    [id, migration.checksum, migration.name],
  );
  try {
    await conn.exec(`BEGIN;\n${migration.sql}\n;COMMIT;`);
  } catch (error) {
    await conn.exec('ROLLBACK').catch(() => {});
    // The script ran in one transaction, so nothing of it remains: record the attempt
    // as rolled back (as `prisma migrate resolve --rolled-back` would) and let the next
    // start try again once the cause is fixed.
    await conn.query(
      'UPDATE "_prisma_migrations" SET logs = $2, rolled_back_at = now() WHERE id = $1',
      [id, String(error)],
    );
    throw new MigrationError(`migration ${migration.name} failed: ${String(error)}`);
  }
  await conn.query(
    'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
    [id],
  );
}
