import { consistencyProof, inclusionProof } from '@auditlog/audit';
import type { PrismaClient } from '../generated/prisma/client';
import { loadConsistencyNodes, loadInclusionNodes } from './merkle-nodes';

const base64 = (hashes: Buffer[]) => hashes.map((h) => h.toString('base64'));

/** The RFC 9162 inclusion proof of event `seq` in the tree of `treeSize` events. */
export async function inclusionProofFor(prisma: PrismaClient, seq: number, treeSize: number) {
  const nodes = await loadInclusionNodes(prisma, seq, treeSize);
  return base64(inclusionProof(seq, treeSize, nodes));
}

/** The RFC 9162 proof that the tree of `newSize` events extends the one of `oldSize`. */
export async function consistencyProofFor(prisma: PrismaClient, oldSize: number, newSize: number) {
  const nodes = await loadConsistencyNodes(prisma, oldSize, newSize);
  return base64(consistencyProof(oldSize, newSize, nodes));
}
