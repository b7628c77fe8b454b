import { createHash } from 'node:crypto';

/** RFC 9162 §2.1.1: leaves and interior nodes are hashed with distinct prefixes. */
const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

export const HASH_BYTES = 32;

export type Hash = Buffer;

export function leafHash(data: Uint8Array | string): Hash {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** Starts a leaf hash whose last bytes are not known yet (see leaf.ts). */
export function startLeafHash(prefix: string) {
  return createHash('sha256').update(LEAF_PREFIX).update(prefix);
}

/** The largest power of two strictly below n (n >= 2): where RFC 9162 splits a tree. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
