import { z } from 'zod';
import type { AuditEvent } from '../event';
import { HASH_BYTES } from '../merkle/hash';
import { consistencyProof, type NodeLookup } from '../merkle/prove';
import { completeSubtrees } from '../merkle/ranges';
import { type Checkpoint, checkpointSchema } from './checkpoint';

/**
 * A retention archive: the events a run deleted, provable for years against the log's
 * signed checkpoint without the log. NDJSON, one object per line (gzip-compressed on disk):
 *
 *   header   { format, runId, createdAt, policy, checkpoint, firstSeq, frontier }
 *   entries  { event }                      an archived event, in seq order
 *            { kept: { from, to }, nodes }  events from..to-1 the log keeps, by the hashes
 *                                           of the complete subtrees covering them
 *   trailer  { end, events, consistency }
 *
 * The frontier is the tree of the `firstSeq` events before the archive (its complete
 * subtrees, largest first). Pushing every entry onto it gives the tree of `end` events,
 * and `consistency` is the RFC 9162 proof that the signed checkpoint's tree extends that
 * one. Altering, dropping or adding any event changes that root, so the proof fails. The
 * events the log keeps cost a few hashes per run of them, not one per event.
 */
export const ARCHIVE_FORMAT = 'audit-log-archive/1';

const hashList = z.array(z.base64().refine((h) => Buffer.from(h, 'base64').length === HASH_BYTES));
const seq = z.number().int().nonnegative();

export const archiveHeaderSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  runId: z.string(),
  createdAt: z.iso.datetime(),
  /** The retention policy the events expired under, for the reader. */
  policy: z.unknown(),
  checkpoint: checkpointSchema,
  firstSeq: seq,
  frontier: hashList,
});

export type ArchiveHeader = z.output<typeof archiveHeaderSchema>;

const keptSchema = z.object({
  kept: z.object({ from: seq, to: seq }).refine((k) => k.from < k.to, 'an empty run of events'),
  nodes: hashList,
});

// An event's own fields are not checked one by one: its hash is recomputed from them.
export const archiveEntrySchema = z.union([
  z.object({ event: z.looseObject({ seq, hash: z.string().nullable() }) }),
  keptSchema,
]);

export const archiveTrailerSchema = z.object({ end: seq, events: seq, consistency: hashList });

export type ArchiveTrailer = z.output<typeof archiveTrailerSchema>;
export type ArchiveKept = z.output<typeof keptSchema>;

const base64 = (hashes: Uint8Array[]) => hashes.map((h) => Buffer.from(h).toString('base64'));

/** The lines of an archive, as its writer makes them from the log's tree. */
export const archiveLine = {
  header(fields: Omit<ArchiveHeader, 'format' | 'frontier'>, node: NodeLookup): string {
    const frontier = completeSubtrees(0, fields.firstSeq).map((s) => node(s.level, s.index));
    return JSON.stringify({ format: ARCHIVE_FORMAT, ...fields, frontier: base64(frontier) });
  },
  event(event: AuditEvent): string {
    return JSON.stringify({ event });
  },
  kept(from: number, to: number, node: NodeLookup): string {
    const nodes = completeSubtrees(from, to).map((s) => node(s.level, s.index));
    return JSON.stringify({ kept: { from, to }, nodes: base64(nodes) } satisfies ArchiveKept);
  },
  trailer(end: number, events: number, checkpoint: Checkpoint, node: NodeLookup): string {
    const consistency = base64(consistencyProof(end, checkpoint.treeSize, node));
    return JSON.stringify({ end, events, consistency } satisfies ArchiveTrailer);
  },
};
