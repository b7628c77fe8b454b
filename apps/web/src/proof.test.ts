import { Frontier, inclusionProof, leafHash, nodeHash } from '@auditlog/audit';
import { describe, expect, it } from 'vitest';
import { inclusionProofHolds } from './proof';

// A reference tree from the audit package, checked in the browser's way.
const leaves = Array.from({ length: 21 }, (_, i) => leafHash(`event ${i}`));
const node = (level: number, index: number): Buffer => {
  if (level === 0) return leaves[index] as Buffer;
  return nodeHash(node(level - 1, index * 2), node(level - 1, index * 2 + 1));
};
const frontier = Frontier.empty();
for (const leaf of leaves) frontier.push(leaf);
const rootHash = frontier.root().toString('base64');

describe('inclusionProofHolds (WebCrypto)', () => {
  it('accepts the proof of every leaf', async () => {
    for (let seq = 0; seq < leaves.length; seq++) {
      const path = inclusionProof(seq, leaves.length, node).map((h) => h.toString('base64'));
      const leaf = (leaves[seq] as Buffer).toString('base64');
      expect(
        await inclusionProofHolds({ seq, treeSize: 21, leafHash: leaf, path, rootHash }),
        `seq ${seq}`,
      ).toBe(true);
    }
  });

  it('refuses a proof for another position, leaf or root', async () => {
    const path = inclusionProof(5, 21, node).map((h) => h.toString('base64'));
    const leaf = (leaves[5] as Buffer).toString('base64');
    expect(
      await inclusionProofHolds({ seq: 4, treeSize: 21, leafHash: leaf, path, rootHash }),
    ).toBe(false);
    expect(
      await inclusionProofHolds({
        seq: 5,
        treeSize: 21,
        leafHash: (leaves[6] as Buffer).toString('base64'),
        path,
        rootHash,
      }),
    ).toBe(false);
    expect(
      await inclusionProofHolds({ seq: 5, treeSize: 42, leafHash: leaf, path, rootHash }),
    ).toBe(false);
    expect(
      await inclusionProofHolds({
        seq: 5,
        treeSize: 21,
        leafHash: leaf,
        path,
        rootHash: leaves[0]?.toString('base64') as string,
      }),
    ).toBe(false);
  });
});
