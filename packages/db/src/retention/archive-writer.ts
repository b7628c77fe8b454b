import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import {
  type ArchiveReport,
  type AuditEvent,
  archiveLine,
  type Checkpoint,
  type LegalHoldCriteria,
  type Range,
  type RetentionPolicy,
  verifyArchive,
} from '@auditlog/audit';
import type { AuditLog, PrismaClient } from '../generated/prisma/client';
import { withLeafHashes } from '../query/event-row';
import { loadConsistencyNodes, loadNodes } from '../tree/merkle-nodes';
import type { ArchiveStorage } from './archive-storage';
import { expiredSql, heldSql } from './expiry-sql';

/** An archive a run wrote and read back: kept in the run's record and its event. */
export interface ArchiveRecord {
  name: string;
  /** Where it is stored (a path in ARCHIVE_DIR). */
  location: string;
  /** SHA-256 of the file as stored (hex). */
  sha256: string;
  bytes: number;
  events: number;
  firstSeq: number;
  lastSeq: number;
}

/** The archive could not be written or did not read back whole: nothing was deleted. */
export class ArchiveError extends Error {}

export interface ArchiveScope {
  runId: string;
  policy: RetentionPolicy;
  holds: LegalHoldCriteria[];
  /** Events numbered below this (the checkpoint's tree size). */
  covered: bigint;
  now: Date;
  checkpoint: Checkpoint;
  /** Called after each page of events read (the run renews its lease). */
  onPage?: () => Promise<void>;
}

// Events read per query: a page's kept gaps are loaded together, in one query per level.
const PAGE = 2_000;

/**
 * Writes what the run is about to delete (the same expiry, hold and checkpoint bounds
 * it deletes by) as a gzip-compressed archive, then reads it back and verifies it against
 * the run's checkpoint. Resolves with its record, or null when nothing has expired;
 * throws ArchiveError (and the run deletes nothing) when it cannot be written or checked.
 */
export async function writeArchive(
  prisma: PrismaClient,
  storage: ArchiveStorage,
  scope: ArchiveScope,
): Promise<ArchiveRecord | null> {
  const pages = expiredPages(prisma, scope);
  const first = await pages.next();
  if (first.done) return null;
  const name = `audit-archive_${scope.now.toISOString().replaceAll(':', '-')}_${scope.runId}.ndjson.gz`;
  const digest = createHash('sha256');
  let bytes = 0;
  const written = { events: 0, firstSeq: first.value[0]?.seq ?? 0, lastSeq: 0 };

  async function* lines(): AsyncGenerator<string> {
    yield archiveLine.header(
      {
        runId: scope.runId,
        createdAt: new Date().toISOString(),
        policy: scope.policy,
        checkpoint: scope.checkpoint,
        firstSeq: written.firstSeq,
      },
      await loadNodes(prisma, [[0, written.firstSeq]]),
    );
    let next = written.firstSeq;
    for (let page = first.value; ; ) {
      const gaps: Range[] = [];
      for (const event of page) {
        if (event.seq > next) gaps.push([next, event.seq]);
        next = event.seq + 1;
      }
      const node = await loadNodes(prisma, gaps);
      let gap = 0;
      for (const event of page) {
        const kept = gaps[gap];
        if (kept && kept[1] === event.seq) {
          yield archiveLine.kept(kept[0], kept[1], node);
          gap += 1;
        }
        yield archiveLine.event(event);
        written.events += 1;
        written.lastSeq = event.seq;
      }
      const more = await pages.next();
      if (more.done) break;
      page = more.value;
    }
    const end = written.lastSeq + 1;
    const proofNodes = await loadConsistencyNodes(prisma, end, scope.checkpoint.treeSize);
    yield archiveLine.trailer(end, written.events, scope.checkpoint, proofNodes);
  }

  async function* measured(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      digest.update(chunk);
      bytes += chunk.length;
      yield chunk;
    }
  }

  async function* text(): AsyncGenerator<string> {
    for await (const line of lines()) yield `${line}\n`;
  }

  // A failure on either side (reading the log, or storing) stops both.
  const gzip = createGzip();
  try {
    await Promise.all([pipeline(text(), gzip), storage.write(name, measured(gzip))]);
  } catch (error) {
    throw new ArchiveError(`writing the archive ${name} failed: ${(error as Error).message}`);
  }
  await readBack(storage, name, scope.checkpoint, written.events);
  return {
    name,
    location: storage.locate(name),
    sha256: digest.digest('hex'),
    bytes,
    ...written,
  };
}

/** Reads a stored archive back and verifies it: what deleting waits for. */
async function readBack(
  storage: ArchiveStorage,
  name: string,
  checkpoint: Checkpoint,
  events: number,
): Promise<void> {
  const gunzip = createGunzip();
  const reading = pipeline(storage.read(name), gunzip);
  let report: ArchiveReport;
  try {
    report = await verifyArchive(createInterface({ input: gunzip, crlfDelay: Infinity }), {
      checkpoint,
    });
    // A verdict reached before the end (a bad line) leaves the rest unread.
    if (report.ok) await reading;
    else gunzip.destroy();
  } catch (error) {
    gunzip.destroy();
    throw new ArchiveError(`reading the archive ${name} back failed: ${(error as Error).message}`);
  } finally {
    reading.catch(() => {});
  }
  if (!report.ok) {
    throw new ArchiveError(
      `the archive ${name} did not verify when read back (line ${report.line}: ${report.reason})`,
    );
  }
  if (report.events !== events) {
    throw new ArchiveError(
      `the archive ${name} read back holds ${report.events} of ${events} events`,
    );
  }
}

/** The events a run would delete, in seq order, a page at a time. */
async function* expiredPages(
  prisma: PrismaClient,
  { policy, holds, covered, now, onPage }: ArchiveScope,
): AsyncGenerator<AuditEvent[]> {
  let after = -1n;
  for (;;) {
    const rows = await prisma.$queryRaw<AuditLog[]>`
      SELECT * FROM "AuditLog"
      WHERE ${expiredSql(policy, now)} AND NOT ${heldSql(holds)}
        AND seq < ${covered} AND seq > ${after}
      ORDER BY seq LIMIT ${PAGE}`;
    if (rows.length === 0) return;
    await onPage?.();
    yield withLeafHashes(prisma, rows);
    after = (rows.at(-1) as AuditLog).seq;
  }
}
