import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../database';
import { createTestDatabase, TEST_DRIVERS, type TestDatabase, testSql } from '../test-databases';
import { MIGRATIONS_DIR, MigrationError, migrate, readMigrations } from './migrate';

describe.each(TEST_DRIVERS)('migrate on %s', (driver) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(driver);
  });
  afterAll(() => db?.drop());

  const recorded = () =>
    testSql<{ migration_name: string; checksum: string; finished: boolean; steps: number }>(
      db,
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished,
              applied_steps_count AS steps
       FROM "_prisma_migrations" ORDER BY migration_name`,
    );

  it('records every migration as Prisma does, with its sha256 checksum', async () => {
    const migrations = await readMigrations();
    expect(await recorded()).toEqual(
      migrations.map((m) => ({
        migration_name: m.name,
        checksum: m.checksum,
        finished: true,
        steps: 1,
      })),
    );
  });

  it('applies nothing the second time', async () => {
    expect(await migrate(db)).toEqual([]);
  });

  it('refuses to run when an applied migration was edited', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const [first] = await readMigrations(dir);
    await writeFile(join(dir, first?.name ?? '', 'migration.sql'), `${first?.sql}\n-- edited\n`);
    await expect(migrate(db, dir)).rejects.toThrow(MigrationError);
    await expect(migrate(db, dir)).rejects.toThrow(/was edited after it was applied/);
  });

  it('rolls back a failing migration whole and retries it on the next start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const broken = join(dir, '29990101000000_broken');
    await cp(join(dir, (await readMigrations(dir))[0]?.name ?? ''), broken, { recursive: true });
    await writeFile(
      join(broken, 'migration.sql'),
      'CREATE TABLE "Half" (id int);\nSELECT no_such_function();\n',
    );
    await expect(migrate(db, dir)).rejects.toThrow(/29990101000000_broken failed/);
    const half = await testSql<{ t: string | null }>(db, `SELECT to_regclass('"Half"')::text AS t`);
    expect(half).toEqual([{ t: null }]);
    await writeFile(join(broken, 'migration.sql'), 'CREATE TABLE "Half" (id int);\n');
    expect(await migrate(db, dir)).toEqual(['29990101000000_broken']);
  });
});

describe('migrate from several processes at once (PostgreSQL)', () => {
  it('applies each migration exactly once', async () => {
    const db = await createTestDatabase('postgres');
    try {
      await testSql(db, 'DROP SCHEMA public CASCADE');
      await testSql(db, 'CREATE SCHEMA public');
      const others = await Promise.all(
        [1, 2, 3].map(() => openDatabase({ url: db.url as string })),
      );
      const applied = await Promise.all(others.map((o) => migrate(o)));
      await Promise.all(others.map((o) => o.close()));
      const names = (await readMigrations()).map((m) => m.name);
      expect(applied.flat().sort()).toEqual(names);
    } finally {
      await db.drop();
    }
  });
});
