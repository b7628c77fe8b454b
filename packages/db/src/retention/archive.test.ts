import { createHash, generateKeyPairSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import {
  type AuditEvent,
  auditEntrySchema,
  newEventId,
  type RetentionPolicy,
  verifyArchive,
} from '@auditlog/audit';
import { describe, expect, it } from 'vitest';
import { TEST_DRIVERS, testSql } from '../test-databases';
import { useTestStore } from '../test-store';
import { type ArchiveStorage, directoryArchiveStorage } from './archive-storage';
import { RetentionStore } from './retention-store';

const DAY = 86_400_000;
const NOW = new Date('2026-11-29T12:00:00.000Z');

// document.viewed goes after 30 days and everything else stays: what expires is scattered
// among kept events, so the archive stands in for runs of kept events by their hashes.
const POLICY: RetentionPolicy = {
  defaultDays: 'forever',
  overrides: [{ action: 'document.viewed', days: 30 }],
  archive: true,
};

const lines = (path: string) =>
  createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });

describe.each(TEST_DRIVERS)('archive before delete on %s', (driver) => {
  const t = useTestStore(driver);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');

  /** 2,500 events over 100 days; every third (after the first) a kept document.edited. */
  async function seed(): Promise<void> {
    const start = NOW.getTime() - 100 * DAY;
    await t.store.append(
      Array.from({ length: 2_500 }, (_, i) => {
        const at = new Date(start + i * 3_456_000);
        return auditEntrySchema.parse({
          id: newEventId(at),
          actorId: `u_${i % 7}`,
          actorEmail: `u${i % 7}@example.com`,
          action: i % 3 === 1 ? 'document.edited' : 'document.viewed',
          resourceType: 'document',
          resourceId: `doc_${i}`,
          metadata: { i },
        });
      }),
    );
    await t.store.integrated();
    await t.store.issueCheckpoint(privateKey);
  }

  const remainingIds = async () =>
    new Set((await testSql<{ id: string }>(t.db, 'SELECT id FROM "AuditLog"')).map((r) => r.id));

  it('writes the expired events, reads them back, then deletes exactly them; the file verifies offline', async () => {
    await seed();
    const dir = await mkdtemp(join(tmpdir(), 'archive-'));
    const store = new RetentionStore(t.db, { archives: directoryArchiveStorage(dir) });
    await store.setPolicy(POLICY);
    const before = await remainingIds();

    const run = await store.run({ dryRun: false, now: NOW });
    expect(run.status).toBe('done');
    expect(run.deleted).toBeGreaterThan(1_000);
    const archive = run.archive;
    expect(archive).toMatchObject({
      events: run.deleted,
      firstSeq: 0,
      location: expect.any(String),
    });
    expect(await readdir(dir)).toEqual([archive?.name]);

    // Offline, with the public key alone: every archived event is provable.
    const path = join(dir, archive?.name as string);
    const report = await verifyArchive(lines(path), { publicKey });
    expect(report).toMatchObject({ ok: true, runId: run.id, events: run.deleted });

    // The archive holds exactly what was deleted, and nothing still in the log.
    const after = await remainingIds();
    const archived: string[] = [];
    for await (const line of lines(path)) {
      const { event } = JSON.parse(line) as { event?: AuditEvent };
      if (event) archived.push(event.id);
    }
    expect(archived).toHaveLength(run.deleted);
    expect(archived.filter((id) => after.has(id))).toEqual([]);
    expect(new Set([...after, ...archived])).toEqual(before);

    // Its digest is the stored file's, and kept events cost hashes, not whole events.
    const bytes = await readFile(path);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(archive?.sha256);
    expect(archive?.bytes).toBe(bytes.length);
  });

  it('deletes nothing when there is nowhere to archive, or the archive does not read back', async () => {
    await seed();
    const noDir = new RetentionStore(t.db);
    await noDir.setPolicy(POLICY);
    const before = await remainingIds();
    await expect(noDir.run({ dryRun: false, now: NOW })).rejects.toThrow(
      'this server has no ARCHIVE_DIR: nothing was deleted',
    );
    expect(await remainingIds()).toEqual(before);
    expect((await noDir.runs(1))[0]).toMatchObject({ status: 'failed', deleted: 0, archive: null });

    // A store that loses a byte: the read-back fails and the log is untouched.
    const dir = await mkdtemp(join(tmpdir(), 'archive-'));
    const disk = directoryArchiveStorage(dir);
    const lossy: ArchiveStorage = {
      ...disk,
      async *read(name) {
        const bytes = await readFile(disk.locate(name));
        const middle = bytes.length >> 1;
        bytes[middle] = (bytes[middle] as number) ^ 0xff;
        yield bytes;
      },
    };
    await expect(
      new RetentionStore(t.db, { archives: lossy }).run({ dryRun: false, now: NOW }),
    ).rejects.toThrow(/archive .* (did not verify|back failed)/);
    expect(await remainingIds()).toEqual(before);

    // An archive edited afterwards fails offline verification.
    const run = await new RetentionStore(t.db, { archives: disk }).run({ dryRun: false, now: NOW });
    const path = join(dir, run.archive?.name as string);
    const edited: string[] = [];
    for await (const line of lines(path)) edited.push(line.replace('"u_3"', '"u_4"'));
    const plain = join(dir, 'edited.ndjson');
    await writeFile(plain, edited.join('\n'));
    const report = await verifyArchive(
      createInterface({ input: createReadStream(plain), crlfDelay: Infinity }),
      { publicKey },
    );
    expect(report).toMatchObject({
      ok: false,
      reason: expect.stringContaining('content was changed'),
    });
  });
});
