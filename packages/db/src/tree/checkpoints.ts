import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  CHECKPOINT_ORIGIN,
  type Checkpoint,
  Frontier,
  keyIdOf,
  signCheckpoint,
} from '@auditlog/audit';
import type { Checkpoint as CheckpointRow, PrismaClient } from '../generated/prisma/client';

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return {
    origin: CHECKPOINT_ORIGIN,
    treeSize: Number(row.treeSize),
    rootHash: Buffer.from(row.rootHash).toString('base64'),
    issuedAt: row.issuedAt.toISOString(),
    keyId: row.keyId,
    signature: Buffer.from(row.signature).toString('base64'),
  };
}

export async function latestCheckpoint(
  prisma: Pick<PrismaClient, 'checkpoint'>,
): Promise<Checkpoint | null> {
  const row = await prisma.checkpoint.findFirst({ orderBy: { id: 'desc' } });
  return row ? toCheckpoint(row) : null;
}

/** Every checkpoint, smallest tree first: what a full verification holds the log to. */
export async function allCheckpoints(prisma: PrismaClient): Promise<Checkpoint[]> {
  const rows = await prisma.checkpoint.findMany({ orderBy: [{ treeSize: 'asc' }, { id: 'asc' }] });
  return rows.map(toCheckpoint);
}

// Any constant key would do; this one spells "ckpt".
const SIGNING_LOCK = 0x636b7074;

/**
 * Signs the tree as it stands (as far as it is integrated). When the tree has not grown
 * since the last checkpoint signed with the same key, that one is returned instead of a
 * new one; server processes sharing the database sign one at a time, so two never sign
 * the same tree twice.
 */
export async function issueCheckpoint(prisma: PrismaClient, key: KeyObject): Promise<Checkpoint> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SIGNING_LOCK})`;
    const head = await tx.treeHead.findUniqueOrThrow({ where: { id: 1 } });
    const frontier = Frontier.decode(Number(head.size), head.frontier);
    const latest = await latestCheckpoint(tx);
    if (latest?.treeSize === frontier.size && latest.keyId === keyIdOf(createPublicKey(key))) {
      return latest;
    }
    const signed = signCheckpoint(
      {
        treeSize: frontier.size,
        rootHash: frontier.root().toString('base64'),
        issuedAt: new Date().toISOString(),
      },
      key,
    );
    await tx.checkpoint.create({
      data: {
        treeSize: BigInt(signed.treeSize),
        rootHash: Buffer.from(signed.rootHash, 'base64'),
        issuedAt: new Date(signed.issuedAt),
        keyId: signed.keyId,
        signature: Buffer.from(signed.signature, 'base64'),
      },
    });
    return signed;
  });
}
