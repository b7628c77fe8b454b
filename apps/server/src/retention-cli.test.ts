import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { auditEntrySchema, newEventId } from '@auditlog/audit';
import { createTestDatabase, type TestDatabase } from '@auditlog/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from './test-services';

const CLI = new URL('./retention-cli.ts', import.meta.url).pathname;
const DAY = 86_400_000;

describe('the retention CLI', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let services: ReturnType<typeof testServices>;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    services = testServices(db);
    await services.store.append(
      [400, 200, 10].map((days) =>
        auditEntrySchema.parse({
          id: newEventId(new Date(Date.now() - days * DAY)),
          actorId: 'u1',
          actorEmail: '',
          action: 'doc.viewed',
        }),
      ),
    );
    await services.store.integrated();
    await services.store.issueCheckpoint(services.signingKey);
    await services.retention.setPolicy({ defaultDays: 90, overrides: [], archive: false });
    const dir = await mkdtemp(join(tmpdir(), 'retention-cli-'));
    env = { ...process.env, DATABASE_URL: db.url, DATA_DIR: dir, LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await services.store.close();
    await db.drop();
  });

  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], { env });

  it('counts on a dry run, then deletes, and records both runs in the log', async () => {
    expect((await cli('--dry-run')).stdout).toMatch(
      /^Dry run: would delete 2 event\(s\) \(run [0-9a-f-]{36}, from the checkpoint of 3 events\)\.$/m,
    );
    expect(await services.store.query({}, { limit: 10 })).toMatchObject({
      events: expect.arrayContaining([expect.objectContaining({ action: 'doc.viewed' })]),
    });
    const { stdout } = await cli();
    expect(stdout).toMatch(/^Deleted 2 event\(s\); months dropped: AuditLog_y\d{4}m\d\d/m);
    const runs = (await services.store.query({ q: 'action:retention.*' }, { limit: 10 })).events;
    expect(runs.map((e) => [e.action, e.actorId, e.actorType])).toEqual([
      ['retention.run_completed', 'retention-scheduler', 'system'],
      ['retention.dry_run_completed', 'retention-scheduler', 'system'],
    ]);
    expect(
      (await services.store.query({ action: 'doc.viewed' }, { limit: 10 })).events,
    ).toHaveLength(1);
  });
});
