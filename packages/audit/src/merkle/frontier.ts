import { EMPTY_ROOT, HASH_BYTES, type Hash, nodeHash } from './hash';

/** A complete subtree: 2^level leaves starting at leaf index << level. */
export interface CompleteNode {
  level: number;
  index: number;
  hash: Hash;
}

/**
 * The right edge of an append-only Merkle tree: the roots of its perfect subtrees,
 * largest first (one per set bit of the size). Appending a leaf merges equal-sized
 * subtrees like a binary counter, so the root of a tree of any size is known from
 * O(log n) hashes without reading a single stored leaf.
 */
export class Frontier {
  private constructor(
    public size: number,
    private readonly nodes: Hash[],
  ) {}

  static empty(): Frontier {
    return new Frontier(0, []);
  }

  static decode(size: number, bytes: Uint8Array): Frontier {
    const count = popcount(size);
    if (bytes.length !== count * HASH_BYTES) {
      throw new Error(
        `a frontier of ${size} leaves holds ${count} hashes, not ${bytes.length / HASH_BYTES}`,
      );
    }
    const nodes = Array.from({ length: count }, (_, i) =>
      Buffer.from(bytes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES)),
    );
    return new Frontier(size, nodes);
  }

  encode(): Buffer {
    return Buffer.concat(this.nodes);
  }

  /**
   * Adds a leaf; `onComplete` hears of every complete subtree the append closes
   * (level >= 1), which is how stored tree nodes are produced.
   */
  push(leaf: Hash, onComplete?: (node: CompleteNode) => void): void {
    let hash = leaf;
    let level = 0;
    let index = this.size;
    // Each trailing 1-bit of the old size is a perfect subtree of the same height as the
    // one being carried: merge them.
    while (Math.floor(this.size / 2 ** level) % 2 === 1) {
      const left = this.nodes.pop() as Hash;
      hash = nodeHash(left, hash);
      level += 1;
      index = Math.floor(index / 2);
      onComplete?.({ level, index, hash });
    }
    this.nodes.push(hash);
    this.size += 1;
  }

  /** RFC 9162 MTH of the whole tree: fold the perfect subtrees from the right. */
  root(): Hash {
    if (this.nodes.length === 0) return EMPTY_ROOT;
    let root = this.nodes[this.nodes.length - 1] as Hash;
    for (let i = this.nodes.length - 2; i >= 0; i--) root = nodeHash(this.nodes[i] as Hash, root);
    return root;
  }

  clone(): Frontier {
    return new Frontier(this.size, [...this.nodes]);
  }
}

function popcount(n: number): number {
  let count = 0;
  for (let v = n; v > 0; v = Math.floor(v / 2)) count += v % 2;
  return count;
}
