import {
  consistencyRanges,
  type Hash,
  inclusionRanges,
  type NodeLookup,
  nodeHash,
  nodesNeeded,
  type Range,
} from '@auditlog/audit';
import type { PrismaClient } from '../generated/prisma/client';
import { prismaQueryable } from '../raw-sql';
import { readLeafTiles, TILE_LEAVES } from './leaf-tiles';

/**
 * Complete subtrees are stored at every eighth level (MerkleNode), leaves in tiles of
 * 2^8 (LeafTile). Any other node is computed from at most 2^8 stored nodes beneath it.
 */
export const STORED_LEVEL_STEP = 8;

type Db = Pick<PrismaClient, '$queryRaw' | '$queryRawUnsafe'>;

const storedLevelBelow = (level: number) => level - (level % STORED_LEVEL_STEP);

/** Stored hashes at one stored level, keyed by index. */
type Layer = Map<number, Hash>;

/**
 * The stored hashes under the given ranges of one stored level, in one query however many
 * ranges there are (an archive asks for thousands of small ones at once).
 */
async function loadLayer(db: Db, level: number, ranges: Range[]): Promise<Layer> {
  const layer: Layer = new Map();
  const merged = mergeRanges(ranges);
  if (level === 0) {
    const tiles = new Set<number>();
    for (const [from, to] of merged) {
      for (let t = Math.floor(from / TILE_LEAVES); t <= Math.floor((to - 1) / TILE_LEAVES); t++) {
        tiles.add(t);
      }
    }
    const leaves = await readLeafTiles(prismaQueryable(db), [...tiles]);
    for (const [from, to] of merged) {
      for (let seq = from; seq < to; seq++) {
        const hash = leaves.get(seq);
        if (hash) layer.set(seq, hash);
      }
    }
    return layer;
  }
  const rows = await db.$queryRaw<{ index: bigint; hash: Uint8Array }[]>`
    SELECT n.index, n.hash
    FROM unnest(${merged.map((r) => r[0])}::bigint[], ${merged.map((r) => r[1])}::bigint[]) AS r(lo, hi)
    JOIN "MerkleNode" n ON n.level = ${level} AND n.index >= r.lo AND n.index < r.hi`;
  for (const row of rows) layer.set(Number(row.index), Buffer.from(row.hash));
  return layer;
}

function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

export class MissingNodeError extends Error {}

/**
 * Loads, in one query per stored level, every stored hash that the given proof ranges
 * are built from, and returns a lookup computing any complete subtree from them.
 */
export async function loadNodes(db: Db, ranges: Range[]): Promise<NodeLookup> {
  const wanted = new Map<number, Range[]>();
  for (const { level, index } of nodesNeeded(ranges)) {
    const base = storedLevelBelow(level);
    const span = 2 ** (level - base);
    const list = wanted.get(base) ?? [];
    list.push([index * span, (index + 1) * span]);
    wanted.set(base, list);
  }
  const layers = new Map<number, Layer>();
  for (const [level, list] of wanted) layers.set(level, await loadLayer(db, level, list));

  const memo = new Map<string, Hash>();
  const lookup: NodeLookup = (level, index) => {
    const base = storedLevelBelow(level);
    if (level === base) {
      const hash = layers.get(base)?.get(index);
      if (!hash)
        throw new MissingNodeError(`the tree node at level ${level}, index ${index} is not stored`);
      return hash;
    }
    const key = `${level}/${index}`;
    let hash = memo.get(key);
    if (!hash) {
      hash = nodeHash(lookup(level - 1, index * 2), lookup(level - 1, index * 2 + 1));
      memo.set(key, hash);
    }
    return hash;
  };
  return lookup;
}

export async function loadInclusionNodes(db: Db, index: number, size: number) {
  return loadNodes(db, inclusionRanges(index, size));
}

export async function loadConsistencyNodes(db: Db, oldSize: number, newSize: number) {
  return loadNodes(db, consistencyRanges(oldSize, newSize));
}
