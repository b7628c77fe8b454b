import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Frontier } from './frontier';
import { EMPTY_ROOT, type Hash, leafHash, nodeHash, splitPoint } from './hash';
import { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './proof-check';
import { consistencyProof, inclusionProof } from './prove';

// Known answers from the Certificate Transparency reference vectors, as published in
// transparency-dev/merkle (testonly/constants.go and proof/verify_test.go), the Go
// implementation of RFC 6962 / RFC 9162 hashing used by Trillian and the CT ecosystem.
const hex = (s: string) => Buffer.from(s, 'hex');
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(hex);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(hex);
// [leaf index (0-based), tree size, proof]
const INCLUSION: [number, number, string[]][] = [
  [
    0,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    5,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    1,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
// [old size, new size, proof]
const CONSISTENCY: [number, number, string[]][] = [
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

/** A reference in-memory tree: RFC 9162's recursive MTH over all leaf hashes. */
function mth(leaves: Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0] as Hash;
  const k = splitPoint(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

function memoryTree(leaves: Hash[]) {
  return (level: number, index: number) =>
    mth(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level));
}

const leafHashes = LEAVES.map((l) => leafHash(l));

describe('Merkle tree hashing (RFC 9162 known answers)', () => {
  it('gives the reference root for every tree size 0..8, built leaf by leaf', () => {
    const frontier = Frontier.empty();
    expect(frontier.root().toString('hex')).toBe(ROOTS[0]?.toString('hex'));
    leafHashes.forEach((leaf, i) => {
      frontier.push(leaf);
      expect(frontier.root().toString('hex'), `size ${i + 1}`).toBe(ROOTS[i + 1]?.toString('hex'));
    });
  });

  it.each(INCLUSION)(
    'produces and verifies the reference inclusion proof of leaf %i in %i',
    (index, size, proof) => {
      const produced = inclusionProof(index, size, memoryTree(leafHashes.slice(0, size)));
      expect(produced.map((h) => h.toString('hex'))).toEqual(proof);
      expect(
        verifyInclusion(index, size, leafHashes[index] as Hash, produced, ROOTS[size] as Hash),
      ).toBe(true);
    },
  );

  it.each(CONSISTENCY)(
    'produces and verifies the reference consistency proof %i → %i',
    (m, n, proof) => {
      const produced = consistencyProof(m, n, memoryTree(leafHashes.slice(0, n)));
      expect(produced.map((h) => h.toString('hex'))).toEqual(proof);
      expect(verifyConsistency(m, n, ROOTS[m] as Hash, ROOTS[n] as Hash, produced)).toBe(true);
    },
  );

  it('refuses the reference proofs once anything about them is wrong', () => {
    const [index, size, proofHex] = INCLUSION[1] as [number, number, string[]];
    const proof = proofHex.map(hex);
    const root = ROOTS[size] as Hash;
    const leaf = leafHashes[index] as Hash;
    expect(verifyInclusion(index - 1, size, leaf, proof, root)).toBe(false);
    expect(verifyInclusion(index + 1, size, leaf, proof, root)).toBe(false);
    expect(verifyInclusion(index, size * 2, leaf, proof, root)).toBe(false);
    expect(verifyInclusion(index, size, leafHash('WrongLeaf'), proof, root)).toBe(false);
    expect(verifyInclusion(index, size, leaf, [...proof, root], root)).toBe(false);
    expect(verifyInclusion(index, size, leaf, proof.slice(1), root)).toBe(false);
    const [m, n, cHex] = CONSISTENCY[1] as [number, number, string[]];
    const cProof = cHex.map(hex);
    expect(verifyConsistency(m, n, ROOTS[n] as Hash, ROOTS[m] as Hash, cProof)).toBe(false);
    expect(verifyConsistency(m - 1, n, ROOTS[m] as Hash, ROOTS[n] as Hash, cProof)).toBe(false);
    expect(verifyConsistency(m, n, ROOTS[m] as Hash, ROOTS[n] as Hash, cProof.slice(0, -1))).toBe(
      false,
    );
    expect(verifyConsistency(m, n, ROOTS[m] as Hash, ROOTS[n] as Hash, [])).toBe(false);
  });
});

describe('Merkle proofs (properties)', () => {
  const tree = fc
    .integer({ min: 1, max: 300 })
    .map((size) => Array.from({ length: size }, (_, i) => leafHash(`leaf ${i}`)));

  it('every inclusion proof verifies, and fails for any flipped bit', () => {
    fc.assert(
      fc.property(tree, fc.nat(), fc.nat(), (leaves, i, bit) => {
        const index = i % leaves.length;
        const root = mth(leaves);
        const proof = inclusionProof(index, leaves.length, memoryTree(leaves));
        expect(verifyInclusion(index, leaves.length, leaves[index] as Hash, proof, root)).toBe(
          true,
        );
        expect(rootFromInclusionProof(index, leaves.length, leaves[index] as Hash, proof)).toEqual(
          root,
        );
        if (proof.length > 0) {
          const bad = proof.map((p) => Buffer.from(p));
          const target = bad[bit % bad.length] as Buffer;
          target[bit % 32] = (target[bit % 32] as number) ^ (1 << (bit % 8));
          expect(verifyInclusion(index, leaves.length, leaves[index] as Hash, bad, root)).toBe(
            false,
          );
        }
      }),
      { numRuns: 200 },
    );
  });

  it('every consistency proof verifies, and fails against a different old tree', () => {
    fc.assert(
      fc.property(tree, fc.nat(), (leaves, o) => {
        const n = leaves.length;
        const m = (o % n) + 1;
        const proof = consistencyProof(m, n, memoryTree(leaves));
        expect(verifyConsistency(m, n, mth(leaves.slice(0, m)), mth(leaves), proof)).toBe(true);
        if (m < n) {
          const forked = [...leaves.slice(0, m - 1), leafHash('forged')];
          expect(verifyConsistency(m, n, mth(forked), mth(leaves), proof)).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the frontier survives encoding and matches the reference root at every size', () => {
    fc.assert(
      fc.property(tree, (leaves) => {
        let frontier = Frontier.empty();
        for (const leaf of leaves) {
          frontier = Frontier.decode(frontier.size, frontier.encode());
          frontier.push(leaf);
        }
        expect(frontier.root()).toEqual(mth(leaves));
      }),
      { numRuns: 100 },
    );
  });

  it('reports each completed subtree with the hash the reference tree gives it', () => {
    const leaves = Array.from({ length: 77 }, (_, i) => leafHash(`n${i}`));
    const frontier = Frontier.empty();
    const lookup = memoryTree(leaves);
    const seen: string[] = [];
    for (const leaf of leaves) {
      frontier.push(leaf, ({ level, index, hash }) => {
        expect(hash).toEqual(lookup(level, index));
        seen.push(`${level}/${index}`);
      });
    }
    expect(seen).toContain('6/0');
    expect(seen.filter((s) => s.startsWith('1/'))).toHaveLength(38);
  });
});
