import { createReadStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import {
  auditEntrySchema,
  newEventId,
  verifyArchive,
  verifyConsistency,
  verifyEventProof,
} from '@auditlog/audit';
import { TEST_DRIVERS } from '@auditlog/db/testing';
import { useTestStore } from '@auditlog/db/testing/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCaller } from './test-caller';

const DAY = 86_400_000;
const old = (days: number, action = 'doc.edited', actorId = 'u_1') =>
  auditEntrySchema.parse({
    id: newEventId(new Date(Date.now() - days * DAY)),
    actorId,
    actorEmail: `${actorId}@example.com`,
    action,
  });

describe.each(TEST_DRIVERS)('retention through the API on %s', (driver) => {
  const t = useTestStore(driver);
  let caller: ReturnType<typeof testCaller>;
  beforeAll(async () => {
    caller = testCaller(t.store);
    // Events older than a client-chosen id may claim go in through the store, as an
    // import would put them.
    await t.store.append([
      old(200),
      old(200, 'auth.signed_in'),
      old(120),
      old(120, 'doc.edited', 'held'),
      old(5),
    ]);
    // A run deletes only what a signed checkpoint covers; the server signs one a minute.
    await t.store.integrated();
    await caller.admin.integrity.issueCheckpoint();
  });

  const actions = async () =>
    (
      await caller.api.query({ filter: { q: 'action:retention.* action:legal_hold.*' }, limit: 50 })
    ).events
      .map((e) => e.action)
      .reverse();

  it('keeps everything until a policy says otherwise, and no period goes below the floor', async () => {
    expect(await caller.admin.retention.policy()).toEqual({
      policy: { defaultDays: 'forever', overrides: [], archive: false },
      minDays: 30,
      intervalMinutes: 0,
      canArchive: false,
    });
    await expect(
      caller.admin.retention.setPolicy({ defaultDays: 7, overrides: [] }),
    ).rejects.toThrow(
      '7 days is below the floor of 30 days this server is set to (RETENTION_MIN_DAYS)',
    );
    await expect(
      caller.admin.retention.setPolicy({ defaultDays: 0, overrides: [] } as never),
    ).rejects.toThrow('a period is at least one day');
    await expect(
      caller.admin.retention.setPolicy({ defaultDays: 90, overrides: [{ days: 400 }] } as never),
    ).rejects.toThrow('an override names an action pattern, an actor type, or both');
    await expect(
      caller.admin.retention.setPolicy({ defaultDays: 90, archive: true }),
    ).rejects.toThrow('this server has nowhere to archive: set ARCHIVE_DIR');
    expect((await caller.admin.retention.policy()).policy.defaultDays).toBe('forever');
  });

  it('previews, holds, runs and records every step in the log', async () => {
    const { admin } = caller;
    // A typo'd pattern matches nothing: the preview shows what would really go.
    const typo = { defaultDays: 'forever' as const, overrides: [{ action: 'auht.*', days: 30 }] };
    expect((await admin.retention.preview({ policy: typo })).deleted).toBe(0);

    const policy = { defaultDays: 90, overrides: [{ action: 'auth.*', days: 400 }] };
    await admin.retention.setPolicy(policy);
    const hold = await admin.retention.placeHold({ reason: 'case 17', actor: 'held@example.com' });
    expect(await admin.retention.preview({})).toMatchObject({ deleted: 2, held: 1 });

    const run = await admin.retention.run({ dryRun: false });
    expect(run).toMatchObject({ status: 'done', deleted: 2, byAction: { 'doc.edited': 2 } });
    await admin.retention.releaseHold({ id: hold.id });
    await expect(admin.retention.releaseHold({ id: hold.id })).rejects.toThrow(
      'this hold was already released',
    );
    expect((await admin.retention.holds())[0]).toMatchObject({
      reason: 'case 17',
      releasedBy: 'ada@example.com',
    });

    expect(await actions()).toEqual([
      'retention.policy_changed',
      'legal_hold.placed',
      'retention.run_completed',
      'legal_hold.released',
    ]);
    const [changed, , completed] = (
      await caller.api.query({ filter: { q: 'action:retention.* action:legal_hold.*' }, limit: 50 })
    ).events.reverse();
    expect(changed?.changes).toEqual({
      before: { defaultDays: 'forever', overrides: [], archive: false },
      after: { ...policy, archive: false },
    });
    expect(completed?.metadata).toMatchObject({
      deleted: 2,
      byAction: { 'doc.edited': 2 },
      rangeCount: expect.any(Number),
      checkpoint: { treeSize: expect.any(Number) },
    });
    expect(await t.store.verify()).toMatchObject({
      ok: true,
      pruned: { events: 2, runs: [run.id] },
    });

    // A remaining event's proof, and the tree's growth since the checkpoint the run
    // started from, still verify offline.
    const kept = (await caller.api.query({ filter: { actor: 'held' } })).events[0];
    const bundle = await admin.integrity.get({ id: kept?.id as string });
    expect(verifyEventProof(bundle, caller.publicKey)).toMatchObject({ ok: true });
    const later = await admin.integrity.issueCheckpoint();
    const { proof } = await admin.integrity.consistency({
      from: run.checkpoint.treeSize,
      to: later.treeSize,
    });
    expect(
      verifyConsistency(
        run.checkpoint.treeSize,
        later.treeSize,
        Buffer.from(run.checkpoint.rootHash, 'base64'),
        Buffer.from(later.rootHash, 'base64'),
        proof.map((p) => Buffer.from(p, 'base64')),
      ),
    ).toBe(true);
  });
});

describe.each(TEST_DRIVERS)('retention archiving through the API on %s', (driver) => {
  const t = useTestStore(driver);

  it('archives what a run deletes to ARCHIVE_DIR, verifiable offline, and says so in its event', async () => {
    const archiveDir = await mkdtemp(join(tmpdir(), 'archives-'));
    const caller = testCaller(t.store, { archiveDir });
    await t.store.append([old(200), old(200, 'auth.signed_in'), old(5)]);
    await t.store.integrated();
    await caller.admin.integrity.issueCheckpoint();
    expect((await caller.admin.retention.policy()).canArchive).toBe(true);
    await caller.admin.retention.setPolicy({ defaultDays: 90, archive: true });

    const run = await caller.admin.retention.run({ dryRun: false });
    expect(run).toMatchObject({ deleted: 2, archive: { events: 2, firstSeq: 0, lastSeq: 1 } });
    const file = createReadStream(join(archiveDir, run.archive?.name as string));
    const lines = createInterface({ input: file.pipe(createGunzip()), crlfDelay: Infinity });
    expect(await verifyArchive(lines, { publicKey: caller.publicKey })).toMatchObject({
      ok: true,
      events: 2,
    });
    const [completed] = (
      await caller.api.query({ filter: { q: 'action:retention.run_completed' }, limit: 1 })
    ).events;
    expect(completed?.metadata).toMatchObject({
      archive: { name: run.archive?.name, sha256: run.archive?.sha256, events: 2 },
    });
  });
});
