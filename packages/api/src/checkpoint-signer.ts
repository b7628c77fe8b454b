import type { KeyObject } from 'node:crypto';
import type { Checkpoint } from '@auditlog/audit';
import type { AuditStore } from '@auditlog/db';

// Each signature is a row kept forever: reads that need a newer checkpoint share one
// signed at most this often, so no caller can grow the database at will.
const MIN_INTERVAL_MS = 1000;

/**
 * Signs checkpoints for everyone who needs one: the scheduler, an admin's request, and
 * reads (an inclusion proof) that need the tree signed past a new event. Callers that
 * ask while a signature is being made share it.
 */
export class CheckpointSigner {
  private signing: Promise<Checkpoint> | undefined;
  private lastSignedAt = 0;

  constructor(
    private readonly store: AuditStore,
    private readonly key: KeyObject,
  ) {}

  /** A signed checkpoint over at least `treeSize` events: the latest, or a new one. */
  async covering(treeSize: number): Promise<Checkpoint> {
    let checkpoint = await this.store.latestCheckpoint();
    // A signature already under way may have started before the caller's event joined
    // the tree; the next one starts after it did, so at most two rounds are needed.
    while (!checkpoint || checkpoint.treeSize < treeSize) checkpoint = await this.sign();
    return checkpoint;
  }

  /** Signs the tree as it stands (the latest checkpoint again if nothing was added). */
  sign(): Promise<Checkpoint> {
    this.signing ??= (async () => {
      const wait = this.lastSignedAt + MIN_INTERVAL_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        return await this.store.issueCheckpoint(this.key);
      } finally {
        this.lastSignedAt = Date.now();
        this.signing = undefined;
      }
    })();
    return this.signing;
  }
}
