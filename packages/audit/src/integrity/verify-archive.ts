import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { AuditEvent } from '../event';
import { Frontier } from '../merkle/frontier';
import { verifyConsistency } from '../merkle/proof-check';
import { completeSubtrees } from '../merkle/ranges';
import {
  type ArchiveHeader,
  type ArchiveTrailer,
  archiveEntrySchema,
  archiveHeaderSchema,
  archiveTrailerSchema,
} from './archive-lines';
import { type Checkpoint, verifyCheckpointSignature } from './checkpoint';
import { checkEvent } from './event-check';

export type ArchiveReport =
  | {
      ok: true;
      runId: string;
      events: number;
      /** The first and last archived event (null in an archive of none). */
      firstSeq: number | null;
      lastSeq: number | null;
      checkpoint: Checkpoint;
    }
  | { ok: false; line: number; reason: string };

/** What an archive is checked against: a public key, or (reading one back) its checkpoint. */
export type ArchiveTrust = { publicKey: KeyObject | string } | { checkpoint: Checkpoint };

const b64 = (hash: string) => Buffer.from(hash, 'base64');

/** Checks an archive's lines (see ARCHIVE_FORMAT) with nothing but the key it trusts. */
export async function verifyArchive(
  lines: AsyncIterable<string> | Iterable<string>,
  trust: ArchiveTrust,
): Promise<ArchiveReport> {
  let n = 0;
  const fail = (reason: string): ArchiveReport => ({ ok: false, line: n, reason });
  let header: ArchiveHeader | undefined;
  let frontier: Frontier | undefined;
  let trailer: ArchiveTrailer | undefined;
  let events = 0;
  let first: number | null = null;
  let last: number | null = null;
  for await (const text of lines) {
    n += 1;
    if (text.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail('not a line of JSON');
    }
    if (trailer) return fail('more follows the trailer');
    if (!header || !frontier) {
      const parsed = archiveHeaderSchema.safeParse(json);
      if (!parsed.success) return fail(`not an archive header: ${z.prettifyError(parsed.error)}`);
      header = parsed.data;
      const trusted =
        'publicKey' in trust
          ? verifyCheckpointSignature(header.checkpoint, trust.publicKey)
          : JSON.stringify(header.checkpoint) === JSON.stringify(trust.checkpoint);
      if (!trusted) {
        return fail(
          'publicKey' in trust
            ? 'its checkpoint is not signed by this public key'
            : 'its checkpoint is not the one it was written against',
        );
      }
      try {
        frontier = Frontier.decode(header.firstSeq, Buffer.concat(header.frontier.map(b64)));
      } catch (error) {
        return fail(`its frontier is malformed: ${(error as Error).message}`);
      }
      continue;
    }
    const end = archiveTrailerSchema.safeParse(json);
    if (end.success) {
      trailer = end.data;
      continue;
    }
    const entry = archiveEntrySchema.safeParse(json);
    if (!entry.success) return fail(`not an archive entry: ${z.prettifyError(entry.error)}`);
    if ('event' in entry.data) {
      const event = entry.data.event as unknown as AuditEvent;
      if (event.seq !== frontier.size) {
        return fail(`event ${event.seq} is out of place: event ${frontier.size} comes next`);
      }
      const check = checkEvent(event);
      if (!check.ok) return fail(`event ${event.seq}: ${check.problem}`);
      frontier.push(check.leaf);
      events += 1;
      first ??= event.seq;
      last = event.seq;
    } else {
      const { kept, nodes } = entry.data;
      const { from, to } = kept;
      const subtrees = completeSubtrees(from, to);
      if (from !== frontier.size || subtrees.length !== nodes.length) {
        return fail(`the kept events ${from}..${to - 1} are out of place or malformed`);
      }
      for (const [i, { level }] of subtrees.entries()) {
        frontier.pushSubtree(level, b64(nodes[i] as string));
      }
    }
  }
  if (!header || !frontier) return fail('the archive is empty');
  if (!trailer) return fail('the archive is cut short: its trailer is missing');
  if (trailer.end !== frontier.size || trailer.events !== events) {
    return fail(
      `the trailer promises ${trailer.events} event(s) up to ${trailer.end}; the archive holds ${events} up to ${frontier.size}`,
    );
  }
  const { treeSize, rootHash } = header.checkpoint;
  if (
    trailer.end > treeSize ||
    !verifyConsistency(
      trailer.end,
      treeSize,
      frontier.root(),
      b64(rootHash),
      trailer.consistency.map(b64),
    )
  ) {
    return fail(
      "the archived events do not lead to the checkpoint's root: an event was altered, added or left out",
    );
  }
  return {
    ok: true,
    runId: header.runId,
    events,
    firstSeq: first,
    lastSeq: last,
    checkpoint: header.checkpoint,
  };
}
