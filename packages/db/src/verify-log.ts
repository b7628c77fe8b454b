import type { KeyObject } from 'node:crypto';
import { Frontier, verifyCheckpointSignature } from '@auditlog/audit';
import { allCheckpoints } from './checkpoints';
import type { Database } from './database';
import { type LeafRow, leafHashOfRow, readLeafRows } from './leaf-rows';
import { type LeafHashes, readLeafHashes } from './leaf-tiles';
import { STORED_LEVEL_STEP } from './merkle-nodes';

export interface VerificationResult {
  ok: boolean;
  /** Events checked. */
  checked: number;
  /** The tree's size when the run started: what it checks. */
  treeSize: number;
  checkpoints: number;
  /** The first problem found, with the seq of the event where it shows. */
  problem?: { seq: number | null; reason: string };
}

export interface VerifyOptions {
  /** Checkpoint signatures are checked against it when given. */
  publicKey?: KeyObject;
  onProgress?: (checked: number, total: number) => void;
  pageSize?: number;
}

/**
 * Recomputes the whole tree from the stored events, in seq order, and holds it to
 * everything recorded about it: each event's stored leaf hash, the stored tree nodes,
 * every signed checkpoint, and the tree head. Stops at the first discrepancy and says
 * where it is. Events committed after the tree's head (awaiting integration) are not
 * checked; events numbered beyond the log's head are reported.
 */
export async function verifyLog(
  db: Pick<Database, 'prisma' | 'raw'>,
  options: VerifyOptions = {},
): Promise<VerificationResult> {
  const { prisma } = db;
  const head = await prisma.treeHead.findUniqueOrThrow({ where: { id: 1 } });
  const total = Number(head.size);
  const checkpoints = (await allCheckpoints(prisma)).filter((c) => c.treeSize <= total);
  const storedNodes = new Map(
    (await prisma.merkleNode.findMany()).map((n) => [`${n.level}/${n.index}`, Buffer.from(n.hash)]),
  );
  const frontier = Frontier.empty();
  const result = (problem?: VerificationResult['problem']): VerificationResult => ({
    ok: !problem,
    checked: frontier.size,
    treeSize: total,
    checkpoints: checkpoints.length,
    ...(problem && { problem }),
  });

  if (options.publicKey) {
    const forged = checkpoints.find(
      (c) => !verifyCheckpointSignature(c, options.publicKey as KeyObject),
    );
    if (forged) {
      return result({
        seq: null,
        reason: `the checkpoint of ${forged.treeSize} events issued ${forged.issuedAt} is not signed by this server's key`,
      });
    }
  }

  let nextCheckpoint = 0;
  let lastGood = 0;
  const pageSize = options.pageSize ?? 10_000;
  const page = (from: number) => {
    const to = Math.min(from + pageSize, total);
    const read = Promise.all([
      db.raw.withConnection((conn) => readLeafRows(conn, from, to)),
      readLeafHashes(prisma, from, to),
    ]);
    // A page read ahead is dropped when a problem ends the run early; its failure then
    // has nobody to report to.
    read.catch(() => {});
    return read;
  };
  let next = page(0);
  while (frontier.size < total) {
    const [rows, leaves] = await next;
    // Read the next page while this one is hashed: the database and the hashing then
    // use both cores.
    const following = frontier.size + pageSize;
    if (following < total) next = page(following);
    for (const row of rows) {
      const expected = frontier.size;
      if (row.seq < expected)
        return result({ seq: row.seq, reason: `event ${row.seq} is stored twice` });
      if (row.seq > expected)
        return result({ seq: expected, reason: `event ${expected} is missing` });
      const leaf = leafProblem(row, leaves);
      if (typeof leaf === 'string')
        return result({ seq: expected, reason: `event ${expected}: ${leaf}` });

      let nodeProblem: VerificationResult['problem'];
      frontier.push(leaf, ({ level, index, hash }) => {
        if (level % STORED_LEVEL_STEP !== 0 || nodeProblem) return;
        const stored = storedNodes.get(`${level}/${index}`);
        if (!stored?.equals(hash)) {
          const first = index * 2 ** level;
          nodeProblem = {
            seq: first,
            reason: `the stored tree node over events ${first}–${first + 2 ** level - 1} ${stored ? 'does not match them: one of them was changed and its hash rewritten' : 'is missing'}`,
          };
        }
      });
      if (nodeProblem) return result(nodeProblem);

      while (checkpoints[nextCheckpoint]?.treeSize === frontier.size) {
        const checkpoint = checkpoints[nextCheckpoint++];
        if (checkpoint && frontier.root().toString('base64') !== checkpoint.rootHash) {
          return result({
            seq: lastGood,
            reason: `the events no longer produce the root signed in the checkpoint of ${checkpoint.treeSize} events (${checkpoint.issuedAt}): an event from ${lastGood} to ${checkpoint.treeSize - 1} was changed and its hash rewritten`,
          });
        }
        lastGood = frontier.size;
      }
    }
    if (rows.length === 0)
      return result({ seq: frontier.size, reason: `event ${frontier.size} is missing` });
    options.onProgress?.(frontier.size, total);
  }

  const logSize = Number((await prisma.logHead.findUniqueOrThrow({ where: { id: 1 } })).size);
  const extra = await prisma.auditLog.count({ where: { seq: { gte: BigInt(logSize) } } });
  if (extra > 0) {
    return result({
      seq: logSize,
      reason: `${extra} event(s) numbered ${logSize} or above were inserted without going through the log`,
    });
  }
  const headFrontier = Frontier.decode(total, head.frontier);
  if (!headFrontier.root().equals(frontier.root())) {
    return result({
      seq: lastGood,
      reason: 'the tree head records a different tree than the events make',
    });
  }
  return result();
}

/** The event's recomputed leaf hash when it matches the stored one, else what is wrong. */
function leafProblem(row: LeafRow, leaves: LeafHashes) {
  const stored = leaves.get(row.seq);
  if (!stored) return 'its leaf hash is missing from the stored tree';
  const leaf = leafHashOfRow(row);
  if (!leaf.equals(stored)) {
    return 'its content was changed after it was recorded (it no longer matches its hash)';
  }
  return leaf;
}
