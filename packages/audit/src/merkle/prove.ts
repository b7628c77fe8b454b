import { type Hash, nodeHash } from './hash';
import { completeSubtrees, consistencyRanges, inclusionRanges, type Range } from './ranges';

/** The hash of a complete subtree, from wherever the caller keeps them. */
export type NodeLookup = (level: number, index: number) => Hash;

/** MTH of a proof range: its complete subtrees folded from the right. */
export function rangeHash(range: Range, node: NodeLookup): Hash {
  const parts = completeSubtrees(range[0], range[1]).map(({ level, index }) => node(level, index));
  let hash = parts.pop() as Hash;
  while (parts.length > 0) hash = nodeHash(parts.pop() as Hash, hash);
  return hash;
}

export function inclusionProof(index: number, size: number, node: NodeLookup): Hash[] {
  return inclusionRanges(index, size).map((range) => rangeHash(range, node));
}

export function consistencyProof(oldSize: number, newSize: number, node: NodeLookup): Hash[] {
  return consistencyRanges(oldSize, newSize).map((range) => rangeHash(range, node));
}

/** Every complete subtree a set of proof ranges is made of: what to load before proving. */
export function nodesNeeded(ranges: Range[]): { level: number; index: number }[] {
  return ranges.flatMap(([start, end]) => completeSubtrees(start, end));
}
