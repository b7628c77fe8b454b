import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase, testSql } from '@auditlog/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from './test-services';

const CLI = new URL('./import-cli.ts', import.meta.url).pathname;
const ROWS = 2_500;

/**
 * The owner's seed table, as Prisma would create it in a host application's database (in
 * a schema of its own here: the test database holds this log's tables too).
 */
const SEED_TABLE = `CREATE SCHEMA legacy; CREATE TABLE legacy."AuditLog" (
  id TEXT PRIMARY KEY, "actorId" TEXT NOT NULL, "actorEmail" TEXT NOT NULL,
  action TEXT NOT NULL, "resourceType" TEXT, "resourceId" TEXT, metadata JSONB,
  ip TEXT, "userAgent" TEXT, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP)`;

describe('the import command', () => {
  let target: TestDatabase;
  let source: TestDatabase;
  let services: ReturnType<typeof testServices>;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    [target, source] = await Promise.all([
      createTestDatabase('postgres'),
      createTestDatabase('postgres'),
    ]);
    services = testServices(target);
    await testSql(source, SEED_TABLE);
    await testSql(
      source,
      `INSERT INTO legacy."AuditLog" (id, "actorId", "actorEmail", action, "resourceType", "resourceId", metadata, ip, "createdAt")
       SELECT 'ck' || n, 'usr_' || (n % 50), 'user' || (n % 50) || '@example.com',
         CASE WHEN n % 2 = 0 THEN 'user.login' ELSE 'document.updated' END, 'document', 'doc_' || n,
         jsonb_build_object('n', n), CASE WHEN n % 3 = 0 THEN NULL ELSE '10.0.0.' || (n % 250) END,
         timestamp '2022-01-01 00:00:00' + n * interval '1 hour'
       FROM generate_series(1, ${ROWS}) AS n`,
    );
    dir = await mkdtemp(join(tmpdir(), 'import-cli-'));
    env = { ...process.env, DATABASE_URL: target.url, DATA_DIR: dir, LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await services.store.close();
    await Promise.all([target.drop(), source.drop()]);
  });

  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], { env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  const importTable = () =>
    cli(
      '--postgres',
      source.url as string,
      '--table',
      'legacy.AuditLog',
      '--source',
      'crm.AuditLog',
    );

  it('imports a PostgreSQL table with its times, once however often it runs, and records it', async () => {
    const first = await importTable();
    expect(first.stdout).toMatch(
      /^Imported 2500 event\(s\) from crm\.AuditLog, 2022-01-01T01:00:00\.000Z to 2022-04-15T04:00:00\.000Z; source digest sha256:[0-9a-f]{64}\.$/m,
    );
    expect(first.stderr).toContain('imported 2500 of 2500 rows');
    const [row] = await testSql<{ n: number; oldest: Date }>(
      target,
      `SELECT count(*)::int AS n, min("createdAt") AS oldest FROM "AuditLog" WHERE action IN ('user.login', 'document.updated')`,
    );
    expect(row).toEqual({ n: ROWS, oldest: new Date('2022-01-01T01:00:00Z') });

    const again = await importTable();
    expect(again.stdout).toContain('Imported 0 event(s) from crm.AuditLog (2500 already there)');
    const imports = (await services.store.query({ action: 'log.imported' }, { limit: 5 })).events;
    expect(imports.map((e) => [e.actorId, e.actorType, e.metadata?.imported])).toEqual([
      ['audit-log-import', 'system', 0],
      ['audit-log-import', 'system', ROWS],
    ]);
    await services.store.integrated();
    expect(await services.store.verify()).toMatchObject({ ok: true });
  });

  it('imports CSV, and stops on a bad row naming it, having stored nothing', async () => {
    const csv = join(dir, 'audit.csv');
    await writeFile(
      csv,
      'id,actorId,actorEmail,action,resourceType,resourceId,metadata,ip,userAgent,createdAt\n' +
        'a1,usr_9,nine@example.com,invoice.paid,invoice,inv_1,"{""total"":5}",,curl,2021-06-01T10:00:00Z\n' +
        'a2,usr_9,nine@example.com,Invoice Paid,invoice,inv_2,,,curl,2021-06-01T11:00:00Z\n',
    );
    const refused = await cli('--file', csv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /1 row\(s\) cannot be imported, so none was: row 2 \(id a2\): .*action/,
    );
    expect((await services.store.query({ action: 'invoice.paid' }, { limit: 5 })).events).toEqual(
      [],
    );

    const fixed = join(dir, 'fixed.csv');
    await writeFile(
      fixed,
      'id,actorId,actorEmail,action,resourceType,resourceId,metadata,ip,userAgent,createdAt\n' +
        'a1,usr_9,nine@example.com,invoice.paid,invoice,inv_1,"{""total"":5}",,curl,2021-06-01T10:00:00Z\n',
    );
    expect((await cli('--file', fixed)).stdout).toContain('Imported 1 event(s) from');
    expect((await services.store.query({ action: 'invoice.paid' }, { limit: 5 })).events).toEqual([
      expect.objectContaining({ createdAt: '2021-06-01T10:00:00.000Z', metadata: { total: 5 } }),
    ]);
  });
});
