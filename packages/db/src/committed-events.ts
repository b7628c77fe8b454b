import {
  type AuditEntry,
  type Hash,
  leafHashOf,
  piiDigest,
  SALT_BYTES,
  uuid7Time,
} from '@auditlog/audit';

/** Events one append transaction committed, numbered from `first`. */
export interface CommittedBatch {
  first: number;
  ids: string[];
  entries: AuditEntry[];
  /** The events' personal-data salts, SALT_BYTES each, in order. */
  salts: Uint8Array;
}

// Beyond this many (integration failing for a while), batches are no longer kept: those
// events are read back from the database instead.
const MAX_HELD = 200_000;

/**
 * Events this process committed and still holds in memory, so that the integrator can
 * hash them without reading them back: the same canonical JSON the database's copy
 * gives (canonical.test.ts holds the two to the same bytes), at a fraction of the cost.
 * Events committed by other processes, or forgotten, are read from the database.
 */
export class CommittedEvents {
  private batches: CommittedBatch[] = [];
  private held = 0;
  // Dozens of events share each millisecond under load: format each one's time once.
  private lastTime = Number.NaN;
  private lastIso = '';

  add(batch: CommittedBatch): void {
    if (this.held + batch.ids.length > MAX_HELD) return;
    this.batches.push(batch);
    this.held += batch.ids.length;
  }

  /** The leaf hash of event `seq` when it is held; forgets every event before it. */
  leafOf(seq: number): Hash | undefined {
    let batch = this.batches[0];
    while (batch && batch.first + batch.ids.length <= seq) {
      this.held -= batch.ids.length;
      this.batches.shift();
      batch = this.batches[0];
    }
    if (!batch || seq < batch.first) return undefined;
    const i = seq - batch.first;
    const entry = batch.entries[i] as AuditEntry;
    const id = batch.ids[i] as string;
    const digest = piiDigest(batch.salts.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES), {
      actorEmail: entry.actorEmail,
      ip: entry.ip ?? null,
      userAgent: entry.userAgent ?? null,
    });
    return leafHashOf({
      id,
      seq,
      createdAt: this.iso(uuid7Time(id)),
      actorId: entry.actorId,
      actorType: entry.actorType,
      action: entry.action,
      outcome: entry.outcome,
      resourceType: entry.resourceType ?? null,
      resourceId: entry.resourceId ?? null,
      metadata: entry.metadata ?? null,
      changes: entry.changes ?? null,
      requestId: entry.requestId ?? null,
      piiDigest: digest.toString('hex'),
    });
  }

  private iso(time: number): string {
    if (time !== this.lastTime) {
      this.lastTime = time;
      this.lastIso = new Date(time).toISOString();
    }
    return this.lastIso;
  }
}
