import { type CompleteNode, Frontier, HASH_BYTES } from '@auditlog/audit';
import type { RawConnection, RawSql } from '../raw-sql';
import { findGap, readHashedRange } from './leaf-rows';
import { appendLeafHashes } from './leaf-tiles';
import { STORED_LEVEL_STEP } from './merkle-nodes';

/** Events hashed per transaction: bounds a pass's memory and how long it holds TreeHead. */
const PASS_EVENTS = 20_000;

export class IntegrationError extends Error {}

/**
 * Extends the Merkle tree over events that are committed but not yet in it, whichever
 * process committed them (or crashed after committing them): PostgreSQL hashes them from
 * the rows as stored, so the tree commits to exactly what the database holds. Takes the
 * TreeHead row lock, so integrators in several processes take turns, and appends (which
 * lock LogHead) never wait for it. Returns the tree's size afterwards.
 *
 * Written against the plain driver rather than Prisma so that it can run in a worker
 * thread with a connection of its own (db-worker-main.ts).
 */
export async function integrate(sql: RawSql): Promise<number> {
  for (;;) {
    const { size, done } = await sql.transaction(integratePass);
    if (done) return size;
  }
}

async function integratePass(conn: RawConnection): Promise<{ size: number; done: boolean }> {
  // The tree is derived from committed events: a pass lost in a crash is simply redone,
  // so its commit need not wait for the WAL flush that appends wait for.
  await conn.exec('SET LOCAL synchronous_commit = off');
  const [tree] = await conn.query<{ size: number; frontier: Uint8Array }>(
    'SELECT size::float8 AS size, frontier FROM "TreeHead" WHERE id = 1 FOR UPDATE',
  );
  const [log] = await conn.query<{ size: number }>(
    'SELECT size::float8 AS size FROM "LogHead" WHERE id = 1',
  );
  if (!tree || !log) throw new IntegrationError('the database was not migrated');
  const from = tree.size;
  const to = Math.min(log.size, from + PASS_EVENTS);
  if (from >= to) return { size: from, done: true };

  // PostgreSQL builds and hashes the leaves from the rows as stored (events are stored in
  // canonical form, see the schema): far cheaper than in JavaScript, and on its own core.
  const leaves = await readHashedRange(conn, from, to);
  if (!leaves) {
    // Appends number events without gaps under a lock, so this is damage, not a race:
    // the tree stays as it is, and verify() reports the event.
    const gap = await findGap(conn, from, to);
    throw new IntegrationError(
      `cannot extend the Merkle tree: event ${gap?.seq} is ${gap?.twice ? 'stored twice' : 'missing'}`,
    );
  }
  const frontier = Frontier.decode(from, tree.frontier);
  const nodes: CompleteNode[] = [];
  const keepStored = (node: CompleteNode) => {
    if (node.level % STORED_LEVEL_STEP === 0) nodes.push(node);
  };
  for (let offset = 0; offset < leaves.length; offset += HASH_BYTES) {
    frontier.push(leaves.subarray(offset, offset + HASH_BYTES), keepStored);
  }
  await appendLeafHashes(conn, from, leaves);
  if (nodes.length > 0) {
    await conn.query(
      `INSERT INTO "MerkleNode" ("level", "index", "hash")
       SELECT level, index, substring($3::bytea FROM ((ord - 1) * ${HASH_BYTES} + 1)::int FOR ${HASH_BYTES})
       FROM unnest($1::int[], $2::bigint[]) WITH ORDINALITY AS n(level, index, ord)`,
      [
        nodes.map((n) => n.level),
        nodes.map((n) => n.index),
        Buffer.concat(nodes.map((n) => n.hash)),
      ],
    );
  }
  await conn.query('UPDATE "TreeHead" SET size = $1, frontier = $2 WHERE id = 1', [
    to,
    frontier.encode(),
  ]);
  return { size: to, done: to === log.size };
}
