import {
  canonicalLeaf,
  HASH_BYTES,
  type Hash,
  leafHash,
  piiDigest,
  SALT_BYTES,
  uuid7Time,
} from '@auditlog/audit';

/** Events one append transaction committed, numbered from `first`: their columns as stored. */
export interface CommittedBatch {
  first: number;
  ids: string[];
  actorId: string[];
  actorType: string[];
  action: string[];
  outcome: string[];
  resourceType: (string | null)[];
  resourceId: (string | null)[];
  requestId: (string | null)[];
  /** Canonical JSON text, as stored. */
  metadata: (string | null)[];
  changes: (string | null)[];
  actorEmail: string[];
  ip: (string | null)[];
  userAgent: (string | null)[];
  /** The events' personal-data salts, SALT_BYTES each, in order. */
  salts: Uint8Array;
}

/**
 * The leaf hashes of a committed batch, from the events' columns as the process stored
 * them: the same canonical JSON PostgreSQL rebuilds from the rows (canonical.test.ts
 * holds the two to the same bytes), without reading them back.
 */
export function batchLeaves(b: CommittedBatch): Uint8Array {
  const leaves = new Uint8Array(b.ids.length * HASH_BYTES);
  // Dozens of events share each millisecond under load: format each one's time once.
  let lastTime = Number.NaN;
  let createdAt = '';
  for (const [i, id] of b.ids.entries()) {
    const time = uuid7Time(id);
    if (time !== lastTime) {
      lastTime = time;
      createdAt = new Date(time).toISOString();
    }
    const digest = piiDigest(b.salts.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES), {
      actorEmail: b.actorEmail[i] as string,
      ip: b.ip[i] ?? null,
      userAgent: b.userAgent[i] ?? null,
    });
    const leaf = leafHash(
      canonicalLeaf({
        id,
        seq: b.first + i,
        createdAt,
        actorId: b.actorId[i] as string,
        actorType: b.actorType[i] as string,
        action: b.action[i] as string,
        outcome: b.outcome[i] as string,
        resourceType: b.resourceType[i] ?? null,
        resourceId: b.resourceId[i] ?? null,
        metadata: b.metadata[i] ?? null,
        changes: b.changes[i] ?? null,
        requestId: b.requestId[i] ?? null,
        piiDigest: digest.toString('hex'),
      }),
    );
    leaves.set(leaf, i * HASH_BYTES);
  }
  return leaves;
}

// Beyond this many (integration failing for a while), batches are no longer kept: those
// events are read back from the database instead.
const MAX_HELD = 200_000;

/**
 * Leaf hashes of events this process committed, hashed (or being hashed, in a worker
 * thread) as soon as they were committed, waiting for the integrator to take them into
 * the tree. Events committed by other processes, or not held, are read back from the
 * database instead.
 */
export class HeldLeaves {
  private batches: { first: number; count: number; leaves: Promise<Uint8Array> }[] = [];
  private held = 0;

  add(first: number, count: number, leaves: Uint8Array | Promise<Uint8Array>): void {
    if (this.held + count > MAX_HELD) return;
    const settled = Promise.resolve(leaves);
    // A failed hashing is handled where the leaves are needed (read back instead).
    settled.catch(() => {});
    this.batches.push({ first, count, leaves: settled });
    this.held += count;
  }

  /** The leaf hash of event `seq` when it is held; forgets every event before it. */
  async leafOf(seq: number): Promise<Hash | undefined> {
    let batch = this.batches[0];
    while (batch && batch.first + batch.count <= seq) {
      this.held -= batch.count;
      this.batches.shift();
      batch = this.batches[0];
    }
    if (!batch || seq < batch.first) return undefined;
    const leaves = await batch.leaves.catch(() => undefined);
    if (!leaves) return undefined;
    const offset = (seq - batch.first) * HASH_BYTES;
    return Buffer.from(leaves.buffer, leaves.byteOffset + offset, HASH_BYTES);
  }
}
