import type { KeyObject } from 'node:crypto';
import { eventProblem, Frontier, verifyCheckpointSignature } from '@auditlog/audit';
import { allCheckpoints } from './checkpoints';
import { toAuditEvent } from './event-row';
import type { PrismaClient } from './generated/prisma/client';
import { STORED_LEVEL_STEP } from './merkle-nodes';

export interface VerificationResult {
  ok: boolean;
  /** Events checked (the log's size when it started). */
  checked: number;
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
 * everything recorded about it: each event's own hash and personal-data digest, the
 * stored tree nodes, every signed checkpoint, and the log head. Stops at the first
 * discrepancy and says where it is.
 */
export async function verifyLog(
  prisma: PrismaClient,
  options: VerifyOptions = {},
): Promise<VerificationResult> {
  const head = await prisma.logHead.findUniqueOrThrow({ where: { id: 1 } });
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
  const pageSize = options.pageSize ?? 5000;
  while (frontier.size < total) {
    const rows = await prisma.auditLog.findMany({
      where: {
        seq: { gte: BigInt(frontier.size), lt: BigInt(Math.min(frontier.size + pageSize, total)) },
      },
      orderBy: { seq: 'asc' },
    });
    for (const row of rows) {
      const event = toAuditEvent(row);
      const expected = frontier.size;
      if (event.seq < expected)
        return result({ seq: event.seq, reason: `event ${event.seq} is stored twice` });
      if (event.seq > expected)
        return result({ seq: expected, reason: `event ${expected} is missing` });
      const problem = eventProblem(event);
      if (problem) return result({ seq: expected, reason: `event ${expected}: ${problem}` });

      let nodeProblem: VerificationResult['problem'];
      frontier.push(Buffer.from(event.hash, 'hex'), ({ level, index, hash }) => {
        if (level % STORED_LEVEL_STEP !== 0 || nodeProblem) return;
        const stored = storedNodes.get(`${level}/${index}`);
        if (!stored || !stored.equals(hash)) {
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

  const extra = await prisma.auditLog.count({ where: { seq: { gte: BigInt(total) } } });
  if (extra > 0) {
    return result({
      seq: total,
      reason: `${extra} event(s) numbered ${total} or above were inserted without going through the log`,
    });
  }
  const headFrontier = Frontier.decode(total, head.frontier);
  if (!headFrontier.root().equals(frontier.root())) {
    return result({
      seq: lastGood,
      reason: 'the log head records a different tree than the events make',
    });
  }
  return result();
}
