import { HASH_BYTES } from '@auditlog/audit';
import type { RawSql } from '../raw-sql';
import {
  findGap,
  leafHashOfRow,
  readHashedRange,
  readHashedRows,
  readLeafRowsOf,
} from './leaf-rows';
import { type LeafHashes, readLeafHashes } from './leaf-tiles';
import { PrunedRanges } from './pruned-ranges';

/** A page of events checked against their stored leaf hashes. */
export type PageCheck =
  /** The page's leaf hashes, recomputed from the events and equal to the stored ones. */
  | { ok: true; leaves: Uint8Array }
  /** The first event of the page that is wrong, and how. */
  | { ok: false; seq: number; reason: string };

/**
 * Reads events `from` to `to` - 1 and their stored leaf hashes, and holds each event to
 * its own: present exactly once, and hashing (as stored now) to what was recorded when it
 * joined the tree. PostgreSQL does the hashing; events where its leaf differs are rebuilt
 * and canonicalised here before they are judged. The tree above is the caller's to check.
 */
export async function checkPage(
  sql: RawSql,
  from: number,
  to: number,
  pruned: PrunedRanges = PrunedRanges.none,
): Promise<PageCheck> {
  if (pruned.overlaps(from, to)) return checkPrunedPage(sql, from, to, pruned);
  const [computed, stored] = await Promise.all([
    sql.withConnection((conn) => readHashedRange(conn, from, to)),
    sql.withConnection((conn) => readLeafHashes(conn, from, to)),
  ]);
  if (!computed) {
    const gap = await sql.withConnection((conn) => findGap(conn, from, to));
    const seq = gap?.seq ?? from;
    return { ok: false, seq, reason: `event ${seq} is ${gap?.twice ? 'stored twice' : 'missing'}` };
  }
  const leaves = new Uint8Array((to - from) * HASH_BYTES);
  const unconfirmed: number[] = [];
  for (let seq = from; seq < to; seq++) {
    const recorded = stored.get(seq);
    if (!recorded) return missingLeaf(seq);
    const offset = (seq - from) * HASH_BYTES;
    if (computed.compare(recorded, 0, HASH_BYTES, offset, offset + HASH_BYTES) !== 0) {
      unconfirmed.push(seq);
    }
    leaves.set(recorded, offset);
  }
  return confirm(sql, unconfirmed, stored, leaves);
}

/**
 * A page where retention deleted events on purpose: each event a run deleted must be
 * gone, and its stored leaf stands for it in the tree; every other event is held to its
 * own, as above, so a row deleted behind the log's back beside a pruned one is found.
 */
async function checkPrunedPage(
  sql: RawSql,
  from: number,
  to: number,
  pruned: PrunedRanges,
): Promise<PageCheck> {
  const [rows, stored] = await Promise.all([
    sql.withConnection((conn) => readHashedRows(conn, from, to)),
    sql.withConnection((conn) => readLeafHashes(conn, from, to)),
  ]);
  const leaves = new Uint8Array((to - from) * HASH_BYTES);
  const unconfirmed: number[] = [];
  let next = 0;
  for (let seq = from; seq < to; seq++) {
    const recorded = stored.get(seq);
    if (!recorded) return missingLeaf(seq);
    const row = rows[next]?.seq === seq ? rows[next++] : undefined;
    if (rows[next]?.seq === seq) return { ok: false, seq, reason: `event ${seq} is stored twice` };
    const run = pruned.runOf(seq);
    if (run && row) {
      return {
        ok: false,
        seq,
        reason: `event ${seq} is stored, though retention run ${run} deleted it`,
      };
    }
    if (!run && !row) return { ok: false, seq, reason: `event ${seq} is missing` };
    if (row && Buffer.compare(Buffer.from(row.leaf), recorded) !== 0) unconfirmed.push(seq);
    leaves.set(recorded, (seq - from) * HASH_BYTES);
  }
  return confirm(sql, unconfirmed, stored, leaves);
}

const missingLeaf = (seq: number): PageCheck => ({
  ok: false,
  seq,
  reason: `event ${seq}: its leaf hash is missing from the stored tree`,
});

/** Rebuilds the events whose leaf PostgreSQL could not confirm, and judges them here. */
async function confirm(
  sql: RawSql,
  unconfirmed: number[],
  stored: LeafHashes,
  leaves: Uint8Array,
): Promise<PageCheck> {
  if (unconfirmed.length > 0) {
    const rebuilt = await sql.withConnection((conn) => readLeafRowsOf(conn, unconfirmed));
    for (const row of rebuilt) {
      if (!leafHashOfRow(row).equals(stored.get(row.seq) as Buffer)) {
        return {
          ok: false,
          seq: row.seq,
          reason: `event ${row.seq}: its content was changed after it was recorded (it no longer matches its hash)`,
        };
      }
    }
  }
  return { ok: true, leaves };
}
