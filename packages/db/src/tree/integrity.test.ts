import { generateKeyPairSync } from 'node:crypto';
import {
  auditEntrySchema,
  leafFieldsOf,
  leafHashOf,
  rootFromInclusionProof,
  verifyCheckpointSignature,
  verifyConsistency,
  verifyExport,
} from '@auditlog/audit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../database';
import { AuditStore } from '../store';
import { createTestDatabase, TEST_DRIVERS, tamper, testSql } from '../test-databases';
import { useTestStore } from '../test-store';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const b64 = (s: string) => Buffer.from(s, 'base64');

const entry = (i: number) =>
  auditEntrySchema.parse({
    actorId: `usr_${i % 7}`,
    actorEmail: `person${i % 7}@example.com`,
    action: i % 2 ? 'document.updated' : 'auth.signed_in',
    resourceType: 'document',
    resourceId: `doc_${i}`,
    metadata: { i, note: 'ünïcode ✓' },
    ip: `198.51.100.${i % 250}`,
    userAgent: 'Mozilla/5.0',
  });

async function appendMany(store: AuditStore, from: number, count: number) {
  for (let i = from; i < from + count; i += 100) {
    await store.append(
      Array.from({ length: Math.min(100, from + count - i) }, (_, k) => entry(i + k)),
    );
  }
}

async function exportAll(store: AuditStore) {
  const events = [];
  for await (const page of store.scan({})) events.push(...page);
  return events;
}

describe.each(TEST_DRIVERS)('the Merkle log on %s', (driver) => {
  const t = useTestStore(driver, async (store) => {
    await appendMany(store, 0, 300);
  });

  it('signs checkpoints whose roots the events reproduce, offline', async () => {
    const checkpoint = await t.store.issueCheckpoint(privateKey);
    expect(checkpoint.treeSize).toBe(300);
    expect(verifyCheckpointSignature(checkpoint, publicKey)).toBe(true);
    expect(await t.store.issueCheckpoint(privateKey)).toEqual(checkpoint);
    expect(verifyExport(await exportAll(t.store), checkpoint, publicKey)).toEqual({
      ok: true,
      treeSize: 300,
      checked: 300,
    });
  });

  it('gives every event an inclusion proof that leads to the signed root', async () => {
    const checkpoint = await t.store.issueCheckpoint(privateKey);
    for (const seq of [0, 1, 128, 255, 256, 257, 299]) {
      const [event] = (await t.store.query({ resourceId: `doc_${seq}` }, { limit: 1 })).events;
      if (!event) throw new Error(`no event ${seq}`);
      const proof = (await t.store.inclusionProof(event.seq, checkpoint.treeSize)).map(b64);
      const root = rootFromInclusionProof(
        event.seq,
        checkpoint.treeSize,
        leafHashOf(leafFieldsOf(event)),
        proof,
      );
      expect(root?.toString('base64'), `event ${seq}`).toBe(checkpoint.rootHash);
    }
  });

  it("proves yesterday's checkpoint is a prefix of today's log", async () => {
    const old = await t.store.issueCheckpoint(privateKey);
    await appendMany(t.store, 300, 333);
    const now = await t.store.issueCheckpoint(privateKey);
    const proof = (await t.store.consistencyProof(old.treeSize, now.treeSize)).map(b64);
    expect(
      verifyConsistency(old.treeSize, now.treeSize, b64(old.rootHash), b64(now.rootHash), proof),
    ).toBe(true);
    expect(
      verifyConsistency(
        old.treeSize - 1,
        now.treeSize,
        b64(old.rootHash),
        b64(now.rootHash),
        proof,
      ),
    ).toBe(false);
  });

  it('verifies an untouched log end to end', async () => {
    const progress: number[] = [];
    const result = await t.store.verify({
      publicKey,
      pageSize: 100,
      onProgress: (n) => progress.push(n),
    });
    expect(result).toMatchObject({ ok: true, checked: 633, treeSize: 633 });
    expect(result.checkpoints).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toBe(633);
  });

  it('erases a person without breaking a single proof, and allows no other update', async () => {
    const before = await t.store.issueCheckpoint(privateKey);
    const erased = await t.store.erasePerson('person3@example.com');
    expect(erased).toEqual([{ actorId: 'usr_3', events: expect.any(Number) }]);
    expect(erased[0]?.events).toBeGreaterThan(80);
    const [event] = (await t.store.query({ actor: 'usr_3' }, { limit: 1 })).events;
    expect(event).toMatchObject({ actorEmail: '', ip: null, userAgent: null, piiSalt: null });
    expect(event?.erasedAt).not.toBeNull();
    expect(await t.store.verify({ publicKey })).toMatchObject({ ok: true });
    expect(verifyExport(await exportAll(t.store), before, publicKey)).toMatchObject({ ok: true });
    await expect(
      testSql(t.db, `UPDATE "AuditLog" SET action = 'x.y' WHERE "actorId" = 'usr_3'`),
    ).rejects.toThrow(/append-only/);
  });
});

describe.each(TEST_DRIVERS)('tampering with plain SQL on %s', (driver) => {
  const t = useTestStore(driver, async (store) => {
    await appendMany(store, 0, 600);
    await store.issueCheckpoint(privateKey);
  });

  // Each case tampers, checks that verify() and the offline verifier both point at the
  // damage, then undoes the tampering so the next case starts from an intact log.
  const cases: [string, (seq: number) => [string, string], (seq: number) => number | null][] = [
    [
      'a changed byte of content',
      (s) => [
        `UPDATE "AuditLog" SET "resourceId" = 'doc_X' WHERE seq = ${s}`,
        `UPDATE "AuditLog" SET "resourceId" = 'doc_${s}' WHERE seq = ${s}`,
      ],
      (s) => s,
    ],
    [
      'changed metadata',
      (s) => [
        `UPDATE "AuditLog" SET metadata = jsonb_set(metadata::jsonb, '{i}', '-1')::text WHERE seq = ${s}`,
        // Back to the same value in jsonb's spelling, not the canonical one: still intact.
        `UPDATE "AuditLog" SET metadata = jsonb_set(metadata::jsonb, '{i}', '${s}')::text WHERE seq = ${s}`,
      ],
      (s) => s,
    ],
    [
      'a changed writer',
      (s) => [
        `UPDATE "AuditLog" SET writer = 'api_key:forgedforged' WHERE seq = ${s}`,
        `UPDATE "AuditLog" SET writer = 'server' WHERE seq = ${s}`,
      ],
      (s) => s,
    ],
    [
      'a writer removed, as if the event predated writers',
      (s) => [
        `UPDATE "AuditLog" SET writer = NULL WHERE seq = ${s}`,
        `UPDATE "AuditLog" SET writer = 'server' WHERE seq = ${s}`,
      ],
      (s) => s,
    ],
    [
      'a changed email',
      (s) => [
        `UPDATE "AuditLog" SET "actorEmail" = 'someone@else.test' WHERE seq = ${s}`,
        `UPDATE "AuditLog" SET "actorEmail" = 'person${s % 7}@example.com' WHERE seq = ${s}`,
      ],
      (s) => s,
    ],
    [
      'a NULL where the schema forbade one',
      (s) => [
        `ALTER TABLE "AuditLog" ALTER COLUMN "actorId" DROP NOT NULL; UPDATE "AuditLog" SET "actorId" = NULL WHERE seq = ${s}`,
        `UPDATE "AuditLog" SET "actorId" = 'usr_${s % 7}' WHERE seq = ${s}; ALTER TABLE "AuditLog" ALTER COLUMN "actorId" SET NOT NULL`,
      ],
      (s) => s,
    ],
    [
      'a deleted row',
      (s) => [
        `CREATE TABLE saved AS SELECT * FROM "AuditLog" WHERE seq = ${s}; DELETE FROM "AuditLog" WHERE seq = ${s}`,
        `INSERT INTO "AuditLog" SELECT * FROM saved; DROP TABLE saved`,
      ],
      (s) => s,
    ],
    [
      'two rows swapped in order',
      (s) => [
        `UPDATE "AuditLog" SET seq = CASE seq WHEN ${s} THEN ${s + 1} ELSE ${s} END WHERE seq IN (${s}, ${s + 1})`,
        `UPDATE "AuditLog" SET seq = CASE seq WHEN ${s} THEN ${s + 1} ELSE ${s} END WHERE seq IN (${s}, ${s + 1})`,
      ],
      (s) => s,
    ],
    [
      'an inserted copy of a row',
      (s) => [
        `INSERT INTO "AuditLog" SELECT gen_random_uuid(), seq, "createdAt" + interval '1 ms', "actorId", "actorEmail", "actorType", action, outcome, "resourceType", "resourceId", metadata, changes, ip, "userAgent", "requestId", "piiDigest", "piiSalt", "erasedAt" FROM "AuditLog" WHERE seq = ${s}`,
        // The copy is the later of the two (physical order, ctid, is not reliable).
        `DELETE FROM "AuditLog" WHERE seq = ${s} AND "createdAt" = (SELECT max("createdAt") FROM "AuditLog" WHERE seq = ${s})`,
      ],
      (s) => s,
    ],
  ];

  it.each(cases)('detects %s at the right event', async (_, sql, expectedSeq) => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 598 }), async (seq) => {
        const [doIt, undo] = sql(seq);
        const checkpoint = await t.store.latestCheckpoint();
        await tamper(t.db, doIt);
        try {
          // Small pages, so that several are in flight as in a large log.
          const result = await t.store.verify({ publicKey, pageSize: 64 });
          expect(result.ok).toBe(false);
          expect(result.problem?.seq).toBe(expectedSeq(seq));
          const offline = verifyExport(await exportAll(t.store), checkpoint as never, publicKey);
          expect(offline.ok).toBe(false);
        } finally {
          await tamper(t.db, undo);
        }
        expect((await t.store.verify({ publicKey })).ok).toBe(true);
      }),
      { numRuns: 4 },
    );
  });

  it('detects content changed together with its hash, within the node it falls in', async () => {
    const seq = 300;
    await tamper(
      t.db,
      `CREATE TABLE saved2 AS SELECT * FROM "AuditLog" WHERE seq = ${seq};
       CREATE TABLE saved_tile AS SELECT * FROM "LeafTile" WHERE tile = 1`,
    );
    const [event] = (await t.store.query({ resourceId: `doc_${seq}` }, { limit: 1 })).events;
    if (!event) throw new Error('missing event');
    const forged = leafHashOf({ ...leafFieldsOf(event), action: 'auth.signed_out' }).toString(
      'hex',
    );
    await tamper(
      t.db,
      `UPDATE "AuditLog" SET action = 'auth.signed_out' WHERE seq = ${seq};
       UPDATE "LeafTile" SET hashes = overlay(hashes PLACING decode('${forged}', 'hex') FROM ${(seq % 256) * 32 + 1} FOR 32) WHERE tile = 1`,
    );
    try {
      const result = await t.store.verify({ publicKey });
      expect(result.ok).toBe(false);
      expect(result.problem?.seq).toBe(256);
      expect(result.problem?.reason).toMatch(/events 256–511/);
    } finally {
      await tamper(
        t.db,
        `DELETE FROM "AuditLog" WHERE seq = ${seq}; INSERT INTO "AuditLog" SELECT * FROM saved2; DROP TABLE saved2;
         DELETE FROM "LeafTile" WHERE tile = 1; INSERT INTO "LeafTile" SELECT * FROM saved_tile; DROP TABLE saved_tile`,
      );
    }
  });

  it('detects a row appended behind the log’s back', async () => {
    await tamper(
      t.db,
      `INSERT INTO "AuditLog" SELECT gen_random_uuid(), 600, "createdAt", "actorId", "actorEmail", "actorType", action, outcome, "resourceType", "resourceId", metadata, changes, ip, "userAgent", "requestId", "piiDigest", "piiSalt", "erasedAt" FROM "AuditLog" WHERE seq = 5`,
    );
    try {
      expect((await t.store.verify({ publicKey })).problem).toMatchObject({ seq: 600 });
    } finally {
      await tamper(t.db, `DELETE FROM "AuditLog" WHERE seq = 600`);
    }
  });

  it('refuses a checkpoint signed by another key', async () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    await appendMany(t.store, 600, 1);
    await t.store.issueCheckpoint(other);
    expect((await t.store.verify({ publicKey })).problem?.reason).toMatch(
      /not signed by this server's key/,
    );
  });
});

describe('appends from several server processes on one PostgreSQL', () => {
  it('build one consistent tree', async () => {
    const db = await createTestDatabase('postgres');
    const processes = await Promise.all(
      [1, 2, 3, 4].map(() => openDatabase({ url: db.url as string })),
    );
    const stores = processes.map((p) => new AuditStore(p));
    try {
      await Promise.all(
        stores.map(async (s, w) => {
          for (let i = 0; i < 25; i++)
            await s.append([entry(w * 1000 + i), entry(w * 1000 + i + 500)]);
        }),
      );
      const store = new AuditStore(db);
      expect(await store.size()).toBe(200);
      const checkpoint = await store.issueCheckpoint(privateKey);
      expect(await store.verify({ publicKey })).toMatchObject({ ok: true, checked: 200 });
      expect(verifyExport(await exportAll(store), checkpoint, publicKey)).toMatchObject({
        ok: true,
      });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await Promise.all(processes.map((p) => p.close()));
      await db.drop();
    }
  });
});
