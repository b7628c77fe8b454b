import { createHash, hash } from 'node:crypto';

/** RFC 9162 §2.1.1: leaves and interior nodes are hashed with distinct prefixes. */
const LEAF_PREFIX = new Uint8Array([0x00]);

export const HASH_BYTES = 32;

export type Hash = Buffer;

// crypto.hash (one-shot) costs about half of createHash().update().digest(), which
// matters when a verification hashes millions of leaves and nodes.
export function leafHash(data: Uint8Array | string): Hash {
  if (typeof data === 'string') return hash('sha256', `\u0000${data}`, 'buffer');
  return hash('sha256', Buffer.concat([LEAF_PREFIX, data]), 'buffer');
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  const input = Buffer.allocUnsafe(1 + left.length + right.length);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return hash('sha256', input, 'buffer');
}

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** The largest power of two strictly below n (n >= 2): where RFC 9162 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
