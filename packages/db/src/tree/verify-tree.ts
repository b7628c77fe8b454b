import type { KeyObject } from 'node:crypto';
import { Frontier, HASH_BYTES, verifyCheckpointSignature } from '@auditlog/audit';
import type { Connections } from '../database';
import { checkPage, type PageCheck } from './check-page';
import { allCheckpoints } from './checkpoints';
import { STORED_LEVEL_STEP } from './merkle-nodes';
import { PrunedRanges } from './pruned-ranges';

export interface VerificationResult {
  ok: boolean;
  /** Events checked. */
  checked: number;
  /** The tree's size when the run started: what it checks. */
  treeSize: number;
  checkpoints: number;
  /** The first problem found, with the seq of the event where it shows. */
  problem?: { seq: number | null; reason: string };
  /**
   * Events retention runs deleted on purpose, and those runs: each one's leaf hash still
   * stands in the tree (checked against the nodes and checkpoints), its row is gone.
   * Absent when none was.
   */
  pruned?: { events: number; runs: string[] };
}

export interface VerifyOptions {
  /** Checkpoint signatures are checked against it when given. */
  publicKey?: KeyObject;
  onProgress?: (checked: number, total: number) => void;
  pageSize?: number;
}

// PostgreSQL does the hashing (see checkPage): with pages read on this many connections
// at once it uses every core, while this thread folds the leaves into the tree.
const PAGES_AHEAD = 3;

/**
 * Recomputes the whole tree from the stored events, in seq order, and holds it to
 * everything recorded about it: each event's stored leaf hash, the stored tree nodes,
 * every signed checkpoint, and the tree head. Stops at the first discrepancy and says
 * where it is. Events committed after the tree's head (awaiting integration) are not
 * checked; events numbered beyond the log's head are reported.
 */
export async function verifyLog(
  db: Connections,
  options: VerifyOptions = {},
): Promise<VerificationResult> {
  const { prisma } = db;
  const head = await prisma.treeHead.findUniqueOrThrow({ where: { id: 1 } });
  const total = Number(head.size);
  const checkpoints = (await allCheckpoints(prisma)).filter((c) => c.treeSize <= total);
  const storedNodes = new Map(
    (await prisma.merkleNode.findMany()).map((n) => [`${n.level}/${n.index}`, Buffer.from(n.hash)]),
  );
  const pruned = await PrunedRanges.load(prisma);
  const frontier = Frontier.empty();
  const result = (problem?: VerificationResult['problem']): VerificationResult => ({
    ok: !problem,
    checked: frontier.size,
    treeSize: total,
    checkpoints: checkpoints.length,
    ...(problem && { problem }),
    ...(pruned.events > 0 && { pruned: { events: pruned.events, runs: pruned.runs } }),
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

  const pageSize = options.pageSize ?? 10_000;
  // Pages are checked ahead of the fold and folded strictly in order.
  const inFlight: Promise<PageCheck>[] = [];
  let nextPage = 0;
  const requestPages = () => {
    while (inFlight.length < PAGES_AHEAD && nextPage < total) {
      const from = nextPage;
      const to = Math.min(from + pageSize, total);
      const check = checkPage(db.raw, from, to, pruned);
      // A page checked ahead is dropped when a problem ends the run early; its failure
      // then has nobody to report to.
      check.catch(() => {});
      inFlight.push(check);
      nextPage = to;
    }
  };

  let nextCheckpoint = 0;
  let lastGood = 0;
  const foldLeaf = (leaf: Buffer): VerificationResult['problem'] => {
    let problem: VerificationResult['problem'];
    frontier.push(leaf, ({ level, index, hash }) => {
      if (level % STORED_LEVEL_STEP !== 0 || problem) return;
      const stored = storedNodes.get(`${level}/${index}`);
      if (!stored?.equals(hash)) {
        const first = index * 2 ** level;
        problem = {
          seq: first,
          reason: `the stored tree node over events ${first}–${first + 2 ** level - 1} ${stored ? 'does not match them: one of them was changed and its hash rewritten' : 'is missing'}`,
        };
      }
    });
    if (problem) return problem;
    while (checkpoints[nextCheckpoint]?.treeSize === frontier.size) {
      const checkpoint = checkpoints[nextCheckpoint++];
      if (checkpoint && frontier.root().toString('base64') !== checkpoint.rootHash) {
        return {
          seq: lastGood,
          reason: `the events no longer produce the root signed in the checkpoint of ${checkpoint.treeSize} events (${checkpoint.issuedAt}): an event from ${lastGood} to ${checkpoint.treeSize - 1} was changed and its hash rewritten`,
        };
      }
      lastGood = frontier.size;
    }
    return undefined;
  };

  requestPages();
  while (frontier.size < total) {
    const page = await (inFlight.shift() as Promise<PageCheck>);
    requestPages();
    if (!page.ok) return result({ seq: page.seq, reason: page.reason });
    const { leaves } = page;
    for (let offset = 0; offset < leaves.length; offset += HASH_BYTES) {
      const problem = foldLeaf(Buffer.from(leaves.buffer, leaves.byteOffset + offset, HASH_BYTES));
      if (problem) return result(problem);
    }
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
