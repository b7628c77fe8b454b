import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../event';
import { Frontier } from '../merkle/frontier';
import { type Hash, nodeHash } from '../merkle/hash';
import type { NodeLookup } from '../merkle/prove';
import { archiveLine } from './archive-lines';
import { signCheckpoint } from './checkpoint';
import { leafFieldsOf } from './event-check';
import { leafHashOf } from './leaf';
import { verifyArchive } from './verify-archive';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519').publicKey;

function eventAt(seq: number): AuditEvent {
  const event: AuditEvent = {
    id: `0190a000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    seq,
    createdAt: new Date(Date.UTC(2025, 0, 1) + seq * 60_000).toISOString(),
    actorId: `usr_${seq % 3}`,
    actorEmail: '',
    actorType: 'user',
    action: seq % 2 ? 'document.viewed' : 'auth.login',
    outcome: 'success',
    resourceType: 'document',
    resourceId: `doc_${seq}`,
    metadata: { n: seq },
    changes: null,
    ip: null,
    userAgent: null,
    requestId: null,
    writer: null,
    hash: null,
    piiDigest: Buffer.alloc(32, seq).toString('base64'),
    piiSalt: null,
    erasedAt: null,
  };
  return { ...event, hash: leafHashOf(leafFieldsOf(event)).toString('base64') };
}

const SIZE = 40;
const events = Array.from({ length: SIZE }, (_, seq) => eventAt(seq));
const leaves = events.map((e) => Buffer.from(e.hash as string, 'base64'));
const node: NodeLookup = (level, index): Hash =>
  level === 0
    ? (leaves[index] as Hash)
    : nodeHash(node(level - 1, index * 2), node(level - 1, index * 2 + 1));
const frontier = Frontier.empty();
for (const leaf of leaves) frontier.push(leaf);
const checkpoint = signCheckpoint(
  {
    treeSize: SIZE,
    rootHash: frontier.root().toString('base64'),
    issuedAt: '2025-02-01T00:00:00.000Z',
  },
  privateKey,
);

/** An archive of events 5..9 and 20..24, with 10..19 kept by the log. */
function archive(): string[] {
  return [
    archiveLine.header(
      {
        runId: 'run-1',
        createdAt: '2025-02-01T00:00:01.000Z',
        policy: {},
        checkpoint,
        firstSeq: 5,
      },
      node,
    ),
    ...events.slice(5, 10).map(archiveLine.event),
    archiveLine.kept(10, 20, node),
    ...events.slice(20, 25).map(archiveLine.event),
    archiveLine.trailer(25, 10, checkpoint, node),
  ];
}

const withEvent = (lines: string[], seq: number, change: Partial<AuditEvent>) =>
  lines.map((line) => {
    const parsed = JSON.parse(line) as { event?: AuditEvent };
    return parsed.event?.seq === seq ? archiveLine.event({ ...parsed.event, ...change }) : line;
  });

describe('a retention archive', () => {
  it('verifies offline against the signed checkpoint, kept events standing in by a few hashes', async () => {
    const lines = archive();
    // 10..19 by three hashes: 10-11, 12-15 and 16-19.
    expect(JSON.parse(lines[6] as string).nodes).toHaveLength(3);
    await expect(verifyArchive(lines, { publicKey })).resolves.toEqual({
      ok: true,
      runId: 'run-1',
      events: 10,
      firstSeq: 5,
      lastSeq: 24,
      checkpoint,
    });
  });

  it('verifies when it reaches the end of the checkpoint, with no consistency proof left', async () => {
    const lines = [
      archiveLine.header(
        { runId: 'r', createdAt: checkpoint.issuedAt, policy: {}, checkpoint, firstSeq: 30 },
        node,
      ),
      ...events.slice(30).map(archiveLine.event),
      archiveLine.trailer(SIZE, 10, checkpoint, node),
    ];
    await expect(verifyArchive(lines, { publicKey })).resolves.toMatchObject({
      ok: true,
      events: 10,
    });
  });

  it('fails when an archived event was altered, even with its hash recomputed', async () => {
    const altered = { ...events[7], actorId: 'someone-else' } as AuditEvent;
    const rehashed = withEvent(archive(), 7, {
      actorId: 'someone-else',
      hash: leafHashOf(leafFieldsOf(altered)).toString('base64'),
    });
    await expect(verifyArchive(rehashed, { publicKey })).resolves.toMatchObject({
      ok: false,
      reason: expect.stringContaining("do not lead to the checkpoint's root"),
    });
    await expect(
      verifyArchive(withEvent(archive(), 7, { actorId: 'x' }), { publicKey }),
    ).resolves.toMatchObject({
      ok: false,
      line: 4,
      reason: expect.stringContaining('event 7: its content'),
    });
  });

  it('fails when an event is left out, a kept hash is wrong, or the file is cut short', async () => {
    const lines = archive();
    const missing = lines.filter((_, i) => i !== 3);
    await expect(verifyArchive(missing, { publicKey })).resolves.toMatchObject({
      ok: false,
      reason: 'event 8 is out of place: event 7 comes next',
    });
    const kept = JSON.parse(lines[6] as string);
    kept.nodes[0] = Buffer.alloc(32).toString('base64');
    const wrongKept = lines.map((l, i) => (i === 6 ? JSON.stringify(kept) : l));
    await expect(verifyArchive(wrongKept, { publicKey })).resolves.toMatchObject({ ok: false });
    await expect(verifyArchive(lines.slice(0, -1), { publicKey })).resolves.toMatchObject({
      ok: false,
      reason: 'the archive is cut short: its trailer is missing',
    });
    await expect(verifyArchive([], { publicKey })).resolves.toMatchObject({ ok: false });
  });

  it('fails under another key, or read back against another checkpoint', async () => {
    await expect(verifyArchive(archive(), { publicKey: other })).resolves.toMatchObject({
      ok: false,
      line: 1,
      reason: 'its checkpoint is not signed by this public key',
    });
    await expect(verifyArchive(archive(), { checkpoint })).resolves.toMatchObject({ ok: true });
    const older = { ...checkpoint, treeSize: 39 };
    await expect(verifyArchive(archive(), { checkpoint: older })).resolves.toMatchObject({
      ok: false,
      reason: 'its checkpoint is not the one it was written against',
    });
  });
});

describe('Frontier.pushSubtree', () => {
  it('gives the root that pushing each leaf gives', () => {
    for (let start = 0; start <= 16; start += 4) {
      const byLeaf = Frontier.empty();
      const bySubtree = Frontier.empty();
      for (const leaf of leaves.slice(0, start + 4)) byLeaf.push(leaf);
      for (const leaf of leaves.slice(0, start)) bySubtree.push(leaf);
      bySubtree.pushSubtree(2, node(2, start / 4));
      expect(bySubtree.root()).toEqual(byLeaf.root());
      expect(bySubtree.size).toBe(start + 4);
    }
  });

  it('refuses a subtree that would not start on its own boundary', () => {
    const f = Frontier.empty();
    f.push(leaves[0] as Hash);
    expect(() => f.pushSubtree(1, node(1, 0))).toThrow('cannot start at leaf 1');
  });
});
