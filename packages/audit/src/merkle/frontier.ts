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
    this.pushSubtree(0, leaf, onComplete);
  }

  /**
   * Adds the 2^level leaves under one complete subtree by its hash alone, as if each had
   * been pushed: how an archive skips the events it does not hold. The tree's size must
   * be a multiple of 2^level, as it is where such a subtree starts.
   */
  pushSubtree(level: number, root: Hash, onComplete?: (node: CompleteNode) => void): void {
    const span = 2 ** level;
    if (this.size % span !== 0) {
      throw new Error(`a subtree of ${span} leaves cannot start at leaf ${this.size}`);
    }
    let hash = root;
    let height = level;
    let index = this.size / span;
    // Each 1-bit of the old size from `level` up is a perfect subtree of the same height
    // as the one being carried: merge them, like a binary counter's carry.
    while (Math.floor(this.size / 2 ** height) % 2 === 1) {
      const left = this.nodes.pop() as Hash;
      hash = nodeHash(left, hash);
      height += 1;
      index = Math.floor(index / 2);
      onComplete?.({ level: height, index, hash });
    }
    this.nodes.push(hash);
    this.size += span;
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
