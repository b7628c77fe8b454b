import type { KeyObject } from 'node:crypto';
import { type AuditEntry, type EventFilter, LIMITS, uuid7Time } from '@auditlog/audit';
import { type AppendResult, appendBatch, type PreparedEntry, prepareEntries } from './append';
import { issueCheckpoint, latestCheckpoint } from './checkpoints';
import type { Database } from './database';
import { erasePerson } from './erase';
import { toAuditEvent } from './event-row';
import { GroupCommitter } from './group-commit';
import { consistencyProofFor, inclusionProofFor } from './proofs';
import { type EventPage, type Order, queryEvents, scanEvents } from './query';
import { type VerifyOptions, verifyLog } from './verify-log';

/** The audit log over one database: appends go through group commit, reads straight. */
export class AuditStore {
  private readonly knownPartitions = new Set<string>();
  private readonly committer: GroupCommitter<PreparedEntry, AppendResult>;

  constructor(readonly db: Database) {
    this.committer = new GroupCommitter(
      (entries) => appendBatch(db.prisma, entries, this.knownPartitions),
      // Larger batches stop paying off well before this, and it bounds one transaction.
      LIMITS.batch * 5,
    );
  }

  /** Resolves once the entries are committed, in the order given. */
  append(entries: AuditEntry[]): Promise<AppendResult[]> {
    return this.committer.submit(prepareEntries(entries));
  }

  query(
    filter: EventFilter,
    options: { cursor?: string; limit: number; order?: Order },
  ): Promise<EventPage> {
    return queryEvents(this.db.prisma, filter, options);
  }

  scan(filter: EventFilter, pageSize?: number) {
    return scanEvents(this.db.prisma, filter, pageSize);
  }

  async get(id: string) {
    // The id carries the event's time, which names its partition.
    const row = await this.db.prisma.auditLog.findFirst({
      where: { id, createdAt: new Date(uuid7Time(id)) },
    });
    return row ? toAuditEvent(row) : null;
  }

  latestCheckpoint() {
    return latestCheckpoint(this.db.prisma);
  }

  issueCheckpoint(key: KeyObject) {
    return issueCheckpoint(this.db.prisma, key);
  }

  inclusionProof(seq: number, treeSize: number) {
    return inclusionProofFor(this.db.prisma, seq, treeSize);
  }

  consistencyProof(oldSize: number, newSize: number) {
    return consistencyProofFor(this.db.prisma, oldSize, newSize);
  }

  verify(options?: VerifyOptions) {
    return verifyLog(this.db.prisma, options);
  }

  erasePerson(actor: string) {
    return erasePerson(this.db.prisma, actor);
  }

  async size(): Promise<number> {
    const head = await this.db.prisma.logHead.findUniqueOrThrow({ where: { id: 1 } });
    return Number(head.size);
  }

  /** Waits for every accepted append to commit and refuses new ones. */
  async close(): Promise<void> {
    await this.committer.close();
  }
}
