import type { KeyObject } from 'node:crypto';
import {
  type AuditEntry,
  type EventFilter,
  type ExportFormat,
  type FacetName,
  LIMITS,
  uuid7Time,
} from '@auditlog/audit';
import {
  type AppendResult,
  appendBatch,
  type PreparedEntry,
  prepareEntries,
} from './append/append';
import { GroupCommitter } from './append/group-commit';
import { type Connections, connectionsOf, type Database } from './database';
import { exportText } from './export/export-text';
import { erasePerson } from './privacy/erase';
import { withLeafHashes } from './query/event-row';
import { type FacetCounts, facetCounts, facetValuesContaining } from './query/facets';
import { type EventPage, eventsAfterSeq, type Order, queryEvents, scanEvents } from './query/query';
import { BackgroundIntegrator } from './tree/background-integrator';
import { issueCheckpoint, latestCheckpoint } from './tree/checkpoints';
import { consistencyProofFor, inclusionProofFor } from './tree/proofs';
import { type VerificationResult, type VerifyOptions, verifyLog } from './tree/verify-tree';

export interface AuditStoreOptions {
  /**
   * Hears of a failed background integration (the next append or checkpoint retries it).
   * By default the error is written to stderr.
   */
  onIntegrationError?: (error: unknown) => void;
}

/**
 * The audit log over one database: appends go through group commit, the Merkle tree
 * follows them in the background, reads go straight to the database.
 */
export class AuditStore {
  private readonly knownPartitions = new Set<string>();
  private readonly committer: GroupCommitter<PreparedEntry, AppendResult>;
  private readonly integrator: BackgroundIntegrator;
  private readonly onIntegrationError: (error: unknown) => void;
  private readonly conns: Connections;
  private readonly prisma: Connections['prisma'];

  constructor(
    readonly db: Database,
    options: AuditStoreOptions = {},
  ) {
    this.conns = connectionsOf(db);
    this.prisma = this.conns.prisma;
    this.committer = new GroupCommitter(
      (entries) => appendBatch(this.conns.raw, entries, this.knownPartitions),
      // Larger batches stop paying off well before this, and it bounds one transaction.
      LIMITS.batch * 5,
    );
    this.onIntegrationError =
      options.onIntegrationError ??
      ((error) => console.error('Integrating events into the Merkle tree failed:', error));
    this.integrator = new BackgroundIntegrator(
      { raw: this.conns.raw, url: db.url },
      this.onIntegrationError,
    );
  }

  /**
   * Resolves once the entries are committed (durable and numbered), in the order given.
   * They join the Merkle tree moments later; `integrated()` waits for that. `writer`
   * names who sent them (the API passes its caller); by default the audit log itself.
   */
  async append(entries: AuditEntry[], writer?: string): Promise<AppendResult[]> {
    const results = await this.committer.submit(prepareEntries(entries, writer));
    this.integrator.request();
    return results;
  }

  /** Waits until every event committed so far is in the Merkle tree; returns its size. */
  integrated(): Promise<number> {
    return this.integrator.catchUp();
  }

  query(
    filter: EventFilter,
    options: { cursor?: string; limit: number; order?: Order },
  ): Promise<EventPage> {
    return queryEvents(this.prisma, filter, options);
  }

  /** Events matching `filter` with a seq in (after, upTo], in commit order. */
  eventsAfter(filter: EventFilter, after: number, upTo: number, limit: number) {
    return eventsAfterSeq(this.prisma, filter, { after, upTo }, limit);
  }

  /** The total and each facet's most frequent values for a filter (query/facets.ts). */
  facets(filter: EventFilter, top: number): Promise<FacetCounts> {
    return facetCounts(this.prisma, filter, top);
  }

  /** One facet's values containing `text` (any case), with counts, most frequent first. */
  facetValues(filter: EventFilter, facet: FacetName, text: string, top: number) {
    return facetValuesContaining(this.prisma, filter, facet, text, top);
  }

  /**
   * Every matching event, a page at a time, for exports: it first waits for the tree to
   * take in every event committed so far, so each one comes with its leaf hash and an
   * export checks against the checkpoint issued next.
   */
  async *scan(filter: EventFilter, pageSize?: number) {
    await this.integrated();
    yield* scanEvents(this.prisma, filter, pageSize);
  }

  /**
   * The matching events as CSV or JSON text, oldest first, in chunks. Like scan, it
   * first waits for the tree, so every exported event carries its leaf hash.
   */
  async *exportText(filter: EventFilter, format: ExportFormat): AsyncGenerator<string> {
    await this.integrated();
    yield* exportText(connectionsOf(this.db), filter, format);
  }

  async get(id: string) {
    // The id carries the event's time, which names its partition.
    const row = await this.prisma.auditLog.findFirst({
      where: { id, createdAt: new Date(uuid7Time(id)) },
    });
    return row ? ((await withLeafHashes(this.prisma, [row]))[0] ?? null) : null;
  }

  latestCheckpoint() {
    return latestCheckpoint(this.prisma);
  }

  /** Signs the tree once every event committed so far is in it. */
  async issueCheckpoint(key: KeyObject) {
    await this.integrated();
    return issueCheckpoint(this.prisma, key);
  }

  inclusionProof(seq: number, treeSize: number) {
    return inclusionProofFor(this.prisma, seq, treeSize);
  }

  consistencyProof(oldSize: number, newSize: number) {
    return consistencyProofFor(this.prisma, oldSize, newSize);
  }

  /**
   * Verifies the tree once every event committed so far is in it. When some cannot be
   * added (the log was damaged before they were hashed), the tree is still verified as far
   * as it reaches, and the events left out are the problem reported.
   */
  async verify(options?: VerifyOptions): Promise<VerificationResult> {
    const integration = await this.integrated().then(
      () => undefined,
      (error: unknown) => error,
    );
    const result = await verifyLog(this.conns, options);
    if (!result.ok || integration === undefined) return result;
    return {
      ...result,
      ok: false,
      problem: {
        seq: result.treeSize,
        reason: integration instanceof Error ? integration.message : String(integration),
      },
    };
  }

  erasePerson(actor: string) {
    return erasePerson(this.prisma, actor);
  }

  /** How many events the log holds (committed, whether or not integrated yet). */
  async size(): Promise<number> {
    const head = await this.prisma.logHead.findUniqueOrThrow({ where: { id: 1 } });
    return Number(head.size);
  }

  /** How many events the Merkle tree holds. */
  async treeSize(): Promise<number> {
    const head = await this.prisma.treeHead.findUniqueOrThrow({ where: { id: 1 } });
    return Number(head.size);
  }

  /**
   * How far the Merkle tree has followed the log and, while it cannot follow (an event it
   * needs is missing or stored twice), why: events accepted meanwhile are stored, but no
   * checkpoint covers them.
   */
  async treeStatus(): Promise<{ logSize: number; treeSize: number; failure: string | null }> {
    const [logSize, treeSize] = await Promise.all([this.size(), this.treeSize()]);
    return { logSize, treeSize, failure: this.integrator.failure ?? null };
  }

  /**
   * Refuses new appends, waits for every accepted one to commit, then for the tree to
   * take them in.
   */
  async close(): Promise<void> {
    await this.committer.close();
    await this.integrator.close();
  }
}
