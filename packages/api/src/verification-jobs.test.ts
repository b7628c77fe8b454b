import { type Database, openDatabase, VerificationRuns } from '@auditlog/db';
import { testSql } from '@auditlog/db/testing';
import { useTestStore } from '@auditlog/db/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type VerificationJob, VerificationJobs } from './verification-jobs';

const result = { ok: true, checked: 3, treeSize: 3, checkpoints: 1 };

describe('verifications shared by server processes (postgres)', () => {
  const t = useTestStore('postgres');
  // Two processes: each its own connections to the same database.
  let other: Database;
  let here: VerificationJobs;
  let there: VerificationJobs;
  beforeAll(async () => {
    other = await openDatabase({ url: t.db.url });
    here = new VerificationJobs(new VerificationRuns(t.db));
    there = new VerificationJobs(new VerificationRuns(other));
  });
  afterAll(() => other.close());

  it('a run started in one process is followed, and joined, from another', async () => {
    let finish: () => void = () => {};
    const finished: VerificationJob[] = [];
    const job = await here.start(
      async (onProgress) => {
        onProgress(1, 3);
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        return result;
      },
      async (done) => {
        finished.push(done);
      },
    );
    // Progress is saved as the run goes, not before start() returns.
    await expect
      .poll(() => there.get(job.id))
      .toMatchObject({ id: job.id, finishedAt: null, checked: 1 });
    const joined = await there.start(
      () => Promise.reject(new Error('a second run must not start')),
      async () => {},
    );
    expect(joined.id).toBe(job.id);

    finish();
    await here.idle();
    expect(finished).toEqual([expect.objectContaining({ id: job.id, result })]);
    expect(await there.get(job.id)).toMatchObject({ checked: 3, total: 3, result });
    // Just finished: it answers whoever asks next, in any process.
    expect(
      (
        await there.start(
          async () => result,
          async () => {},
        )
      ).id,
    ).toBe(job.id);
  });

  it('a run whose process died is reported interrupted, and a new one can start', async () => {
    await testSql(
      t.db,
      `UPDATE "Verification" SET "finishedAt" = NULL, "result" = NULL,
      "heartbeatAt" = now() - interval '5 minutes', "startedAt" = now()`,
    );
    const [dead] = await testSql<{ id: string }>(t.db, 'SELECT id::text FROM "Verification"');
    expect(await here.get(dead?.id ?? '')).toMatchObject({
      error: expect.stringMatching(/interrupted/),
      finishedAt: expect.any(String),
    });
    const fresh = await there.start(
      async () => result,
      async () => {},
    );
    expect(fresh.id).not.toBe(dead?.id);
    await there.idle();
  });
});
