import type { KeyObject } from 'node:crypto';
import { Frontier, HASH_BYTES, verifyCheckpointSignature } from '@auditlog/audit';
import { checkPage, type PageCheck } from './check-page';
import { allCheckpoints } from './checkpoints';
import type { Database } from './database';
import { DbWorker } from './db-worker';
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
  /**
   * Worker threads that read and hash pages of events in parallel (PostgreSQL only).
   * By default two, once the tree holds 50,000 events; none below that, where starting
   * them would cost more than they save.
   */
  workers?: number;
}

const PARALLEL_FROM = 50_000;

/**
 * Recomputes the whole tree from the stored events, in seq order, and holds it to
 * everything recorded about it: each event's stored leaf hash, the stored tree nodes,
 * every signed checkpoint, and the tree head. Stops at the first discrepancy and says
 * where it is. Events committed after the tree's head (awaiting integration) are not
 * checked; events numbered beyond the log's head are reported.
 *
 * Reading events and hashing them is the bulk of the work: on PostgreSQL it is spread
 * over worker threads with connections of their own, while this thread folds the leaf
 * hashes they return into the tree, in order.
 */
export async function verifyLog(
  db: Pick<Database, 'prisma' | 'raw' | 'url'>,
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

  const workerCount = db.url ? (options.workers ?? (total >= PARALLEL_FROM ? 2 : 0)) : 0;
  const workers = Array.from({ length: workerCount }, () => new DbWorker(db.url as string));
  const pageSize = options.pageSize ?? 10_000;
  // Pages are checked ahead of the fold, two per worker (one read while one is hashed),
  // or one ahead in this thread; they are folded strictly in order.
  const ahead = Math.max(1, 2 * workers.length);
  const inFlight: Promise<PageCheck>[] = [];
  let nextPage = 0;
  const requestPages = () => {
    while (inFlight.length < ahead && nextPage < total) {
      const from = nextPage;
      const to = Math.min(from + pageSize, total);
      const worker = workers[(from / pageSize) % workers.length];
      const check = worker ? worker.check(from, to) : checkPage(db.raw, from, to);
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

  try {
    requestPages();
    while (frontier.size < total) {
      const page = await (inFlight.shift() as Promise<PageCheck>);
      requestPages();
      if (!page.ok) return result({ seq: page.seq, reason: page.reason });
      const { leaves } = page;
      for (let offset = 0; offset < leaves.length; offset += HASH_BYTES) {
        const problem = foldLeaf(
          Buffer.from(leaves.buffer, leaves.byteOffset + offset, HASH_BYTES),
        );
        if (problem) return result(problem);
      }
      options.onProgress?.(frontier.size, total);
    }
  } finally {
    await Promise.all(workers.map((w) => w.close()));
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
