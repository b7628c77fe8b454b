import { type AuditEntry, type EventFilter, LIMITS } from '@auditlog/audit';
import { type AppendResult, appendBatch, type PreparedEntry, prepareEntry } from './append';
import type { Database } from './database';
import { GroupCommitter } from './group-commit';
import { type EventPage, type Order, queryEvents, scanEvents } from './query';

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
    return this.committer.submit(entries.map(prepareEntry));
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

  async size(): Promise<number> {
    const head = await this.db.prisma.logHead.findUniqueOrThrow({ where: { id: 1 } });
    return Number(head.size);
  }

  /** Waits for every accepted append to commit and refuses new ones. */
  async close(): Promise<void> {
    await this.committer.close();
  }
}
