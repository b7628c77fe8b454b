import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { auditEntrySchema, newEventId } from '@auditlog/audit';
import { createTestDatabase, type TestDatabase } from '@auditlog/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from './test-services';

const CLI = new URL('./retention-cli.ts', import.meta.url).pathname;
const VERIFIER = new URL('./cli.ts', import.meta.url).pathname;
const DAY = 86_400_000;

describe('the retention CLI', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let dir: string;
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
    await services.retention.setPolicy({ defaultDays: 90, overrides: [], archive: true });
    dir = await mkdtemp(join(tmpdir(), 'retention-cli-'));
    env = {
      ...process.env,
      DATABASE_URL: db.url,
      DATA_DIR: dir,
      ARCHIVE_DIR: join(dir, 'archives'),
      LOG_LEVEL: 'silent',
    };
  });
  afterAll(async () => {
    await services.store.close();
    await db.drop();
  });

  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], { env });
  const verifier = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', VERIFIER, ...args]).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );

  it('counts on a dry run, then deletes, and records both runs in the log', async () => {
    expect((await cli('--dry-run')).stdout).toMatch(
      /^Dry run: would delete 2 event\(s\) \(run [0-9a-f-]{36}, from the checkpoint of 3 events\)\.$/m,
    );
    expect(await services.store.query({}, { limit: 10 })).toMatchObject({
      events: expect.arrayContaining([expect.objectContaining({ action: 'doc.viewed' })]),
    });
    const { stdout } = await cli();
    expect(stdout).toMatch(/^Deleted 2 event\(s\); months dropped: AuditLog_y\d{4}m\d\d/m);
    expect(stdout).toMatch(/^Archived 2 event\(s\) first, read back and verified: .*archives/m);
    const runs = (await services.store.query({ q: 'action:retention.*' }, { limit: 10 })).events;
    expect(runs.map((e) => [e.action, e.actorId, e.actorType])).toEqual([
      ['retention.run_completed', 'retention-scheduler', 'system'],
      ['retention.dry_run_completed', 'retention-scheduler', 'system'],
    ]);
    expect(
      (await services.store.query({ action: 'doc.viewed' }, { limit: 10 })).events,
    ).toHaveLength(1);
  });

  it('writes an archive the offline verifier accepts, and refuses once edited', async () => {
    const [name] = await readdir(join(dir, 'archives'));
    const archive = join(dir, 'archives', name as string);
    const key = join(dir, 'public.pem');
    await writeFile(key, services.publicKey.export({ type: 'spki', format: 'pem' }));
    const ok = await verifier('verify-archive', archive, '--public-key', key);
    expect(ok).toEqual({
      code: 0,
      stdout: expect.stringMatching(
        /^OK: 2 archived event\(s\) \(0 to 1\) of run [0-9a-f-]{36} verified against the signed checkpoint of 3 events\.$/m,
      ),
    });
    const edited = join(dir, 'edited.ndjson');
    const text = gunzipSync(await readFile(archive)).toString('utf8');
    await writeFile(edited, text.replace('"actorId":"u1"', '"actorId":"u2"'));
    expect(await verifier('verify-archive', edited, '--public-key', key)).toEqual({
      code: 1,
      stdout: expect.stringContaining('FAILED at line 2: event 0: its content was changed'),
    });
  });
});
