import { HASH_BYTES, type Hash } from '@auditlog/audit';
import type { Queryable, RawConnection } from '../raw-sql';

/** Leaf hashes are stored 256 to a row (LeafTile), the last tile growing. */
export const TILE_LEAVES = 256;

/**
 * SQL for the stored leaf hash of event `seq` from its tile's `hashes` (the tile is row
 * `seq / TILE_LEAVES`): NULL until the tree holds the event. substring() fetches only
 * the 32 bytes it cuts from a tile kept out of line.
 */
export function leafHashSql(hashes: string, seq: string): string {
  return `CASE WHEN pg_catalog.octet_length(${hashes}) >= (${seq} % ${TILE_LEAVES} + 1) * ${HASH_BYTES}
    THEN pg_catalog.substring(${hashes}, (${seq} % ${TILE_LEAVES})::int * ${HASH_BYTES} + 1, ${HASH_BYTES}) END`;
}

/** Stored leaf hashes, by the tile that holds them. */
export class LeafHashes {
  constructor(private readonly tiles: Map<number, Uint8Array>) {}

  /** The stored hash of event `seq`, or undefined when none is stored. */
  get(seq: number): Hash | undefined {
    const tile = this.tiles.get(Math.floor(seq / TILE_LEAVES));
    const offset = (seq % TILE_LEAVES) * HASH_BYTES;
    if (!tile || offset + HASH_BYTES > tile.length) return undefined;
    return Buffer.from(tile.buffer, tile.byteOffset + offset, HASH_BYTES);
  }
}

type TileRow = { tile: number; hashes: Uint8Array };
const byTile = (rows: TileRow[]) => new LeafHashes(new Map(rows.map((r) => [r.tile, r.hashes])));

/** The stored hashes of events `from` to `to` - 1. */
export async function readLeafHashes(db: Queryable, from: number, to: number): Promise<LeafHashes> {
  return byTile(
    await db.query<TileRow>(
      'SELECT tile::float8 AS tile, hashes FROM "LeafTile" WHERE tile >= $1 AND tile <= $2',
      [Math.floor(from / TILE_LEAVES), Math.floor((to - 1) / TILE_LEAVES)],
    ),
  );
}

/** The stored hashes in the given tiles. */
export async function readLeafTiles(db: Queryable, tiles: number[]): Promise<LeafHashes> {
  return byTile(
    await db.query<TileRow>(
      'SELECT tile::float8 AS tile, hashes FROM "LeafTile" WHERE tile = ANY($1::bigint[])',
      [tiles],
    ),
  );
}

/**
 * The stored hashes of the given events, wherever they lie: 32 bytes each, cut out in
 * PostgreSQL (a tile is kept out of line, and substring() fetches only the slice), so
 * a page of 50 events scattered over the log reads 1.6 KiB, not 50 tiles of 8 KiB.
 */
export async function readLeafHashesOf(db: Queryable, seqs: number[]): Promise<Map<number, Hash>> {
  const rows = await db.query<{ seq: number; hash: Uint8Array | null }>(
    `SELECT s.seq::float8 AS seq, ${leafHashSql('t.hashes', 's.seq')} AS hash
       FROM pg_catalog.unnest($1::bigint[]) AS s(seq)
       JOIN "LeafTile" t ON t.tile = s.seq / ${TILE_LEAVES}`,
    [seqs],
  );
  return new Map(rows.flatMap((r) => (r.hash ? [[r.seq, Buffer.from(r.hash)] as const] : [])));
}

/**
 * Stores the hashes of events `first`, `first` + 1, ..., given end to end. Only the first
 * tile can exist already (partly filled): it is extended, which the table's trigger
 * permits. The hashes travel as one bytea, cut into tiles by PostgreSQL.
 */
export async function appendLeafHashes(
  conn: RawConnection,
  first: number,
  hashes: Uint8Array,
): Promise<void> {
  const count = hashes.length / HASH_BYTES;
  const tiles: number[] = [];
  const starts: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < count; ) {
    const tile = Math.floor((first + i) / TILE_LEAVES);
    const end = Math.min(count, (tile + 1) * TILE_LEAVES - first);
    tiles.push(tile);
    starts.push(i);
    counts.push(end - i);
    i = end;
  }
  await conn.query(
    `INSERT INTO "LeafTile" AS t (tile, hashes)
     SELECT tile, substring($4::bytea FROM start * ${HASH_BYTES} + 1 FOR count * ${HASH_BYTES})
     FROM unnest($1::bigint[], $2::int[], $3::int[]) AS x(tile, start, count)
     ON CONFLICT (tile) DO UPDATE SET hashes = t.hashes || EXCLUDED.hashes`,
    [tiles, starts, counts, hashes],
  );
}
