import { createHash, hash } from 'node:crypto';

/** RFC 9162 §2.1.1: leaves and interior nodes are hashed with distinct prefixes. */
const LEAF_PREFIX = new Uint8Array([0x00]);

export const HASH_BYTES = 32;

export type Hash = Buffer;

// crypto.hash (one-shot) costs about half of createHash().update().digest(), and
// encoding into a reused buffer spares a string concatenation and an allocation per
// hash: it matters when integration and verification hash millions of leaves and nodes.
// (Hashing is synchronous, so one scratch buffer per thread is safe.)
let scratch = Buffer.allocUnsafe(4096);

export function leafHash(data: Uint8Array | string): Hash {
  if (typeof data !== 'string') return hash('sha256', Buffer.concat([LEAF_PREFIX, data]), 'buffer');
  if (scratch.length < 1 + 3 * data.length) scratch = Buffer.allocUnsafe(2 * (1 + 3 * data.length));
  scratch[0] = 0x00;
  const length = 1 + scratch.write(data, 1);
  return hash('sha256', scratch.subarray(0, length), 'buffer');
}

const nodeInput = Buffer.allocUnsafe(1 + 2 * HASH_BYTES);
nodeInput[0] = 0x01;

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  if (left.length !== HASH_BYTES || right.length !== HASH_BYTES) {
    throw new Error(`tree nodes hash two ${HASH_BYTES}-byte children`);
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_BYTES);
  return hash('sha256', nodeInput, 'buffer');
}

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** The largest power of two strictly below n (n >= 2): where RFC 9162 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
