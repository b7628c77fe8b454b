import { canonicalJson, type Hash, leafHash } from '@auditlog/audit';
import type { Queryable } from '../raw-sql';

/**
 * SHA-256(piiSalt || [actorEmail, ip, userAgent] as JSON): the salted digest of a row's
 * personal data while it exists, and the recorded digest once it has been erased.
 * piiDigest() in packages/audit (integrity/leaf.ts) computes the same in TypeScript.
 */
export const PII_DIGEST_SQL = `CASE WHEN "piiSalt" IS NULL THEN "piiDigest" ELSE
  pg_catalog.sha256("piiSalt" || pg_catalog.convert_to(
    pg_catalog.to_json(ARRAY["actorEmail", ip, "userAgent"])::text, 'UTF8')) END`;

/**
 * One stored event as hashing needs it: the canonical leaf text around the two nested
 * JSON values, which events stored since they are kept as canonical text hold verbatim,
 * and earlier ones in jsonb's text form. `canonical.test.ts` holds this SQL to the
 * reference encoder in packages/audit.
 */
export interface LeafRow {
  seq: number;
  head: string;
  changes: string | null;
  middle: string;
  metadata: string | null;
  tail: string;
}

// Functions are schema-qualified so that nothing placed earlier on the search_path can
// stand in for them. The pieces are joined with || rather than concat(), which looks up
// each argument's output function on every call: PostgreSQL builds a leaf in about a
// sixth less time. || passes NULL on, so whatever may be NULL is coalesced.
// Enum values and actions (which the API restricts to [a-z0-9_.]) need no JSON escaping;
// a tampered value that would have needed it simply no longer matches its hash, which is
// the right verdict. So does a missing digest (personal data removed other than by an
// erasure), which leaves an empty string.
const str = (column: string) => `pg_catalog.to_json(${column})::text`;
const nullable = (column: string) => `coalesce(${str(column)}, 'null')`;

const PIECES = `
    '{"_v":' || CASE WHEN writer IS NULL THEN '1' ELSE '2' END ||
      ',"action":"' || action || '","actorId":' || ${str('"actorId"')} ||
      ',"actorType":"' || "actorType"::text || '","changes":' AS head,
    changes,
    ',"createdAt":"' ||
      pg_catalog.to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ||
      '","id":"' || id::text || '","metadata":' AS middle,
    metadata,
    ',"outcome":"' || outcome::text || '","piiDigest":"' ||
      coalesce(pg_catalog.encode(${PII_DIGEST_SQL}, 'hex'), '') ||
      '","requestId":' || ${nullable('"requestId"')} || ',"resourceId":' || ${nullable('"resourceId"')} ||
      ',"resourceType":' || ${nullable('"resourceType"')} || ',"seq":' || seq::text ||
      coalesce(',"writer":' || ${str('writer')}, '') || '}' AS tail`;

const LISTED = `
  SELECT seq::float8 AS seq, ${PIECES}
  FROM "AuditLog" WHERE seq = ANY($1::bigint[]) ORDER BY seq`;

/** The given events, in seq order. */
export function readLeafRowsOf(conn: Queryable, seqs: number[]): Promise<LeafRow[]> {
  return conn.query<LeafRow>(LISTED, [seqs]);
}

// PostgreSQL builds and hashes each leaf itself, taking the nested JSON as stored: right
// for every event stored since it is kept as canonical text (see the schema). Events
// stored before, as jsonb (all in the tree before the change), come out wrong here, and
// verification rebuilds them with readLeafRowsOf. A NULL where the schema forbids one
// (its constraint dropped) hashes an empty leaf, which matches nothing, rather than
// leaving the event out of the aggregate.
const LEAF_HASH = `pg_catalog.sha256('\\x00'::bytea || pg_catalog.convert_to(coalesce(
  head || coalesce(changes, 'null') || middle || coalesce(metadata, 'null') || tail, ''), 'UTF8'))`;

const SEQS_SQL =
  'SELECT seq::float8 AS seq FROM "AuditLog" WHERE seq >= $1 AND seq < $2 ORDER BY seq';

// The same for a whole range in one value, which spares decoding a row per event: null
// unless the range holds each of its events exactly once.
const HASHED_RANGE_SQL = `
  SELECT CASE WHEN count(*) = $2::bigint - $1::bigint AND count(DISTINCT seq) = count(*)
    THEN pg_catalog.string_agg(${LEAF_HASH}, ''::bytea ORDER BY seq) END AS leaves
  FROM (SELECT seq, ${PIECES} FROM "AuditLog" WHERE seq >= $1 AND seq < $2) p`;

/**
 * The first event from `from` to `to` - 1 that is missing or stored twice, if any: what
 * makes readHashedRange come back empty-handed.
 */
export async function findGap(
  conn: Queryable,
  from: number,
  to: number,
): Promise<{ seq: number; twice: boolean } | undefined> {
  let seq = from;
  for (const row of await conn.query<{ seq: number }>(SEQS_SQL, [from, to])) {
    if (row.seq < seq) return { seq: row.seq, twice: true };
    if (row.seq > seq) return { seq, twice: false };
    seq += 1;
  }
  return seq < to ? { seq, twice: false } : undefined;
}

/**
 * The leaf hashes of events `from` to `to` - 1 as PostgreSQL makes them, end to end in
 * one buffer; undefined when an event of the range is missing or stored twice (then
 * findGap says which).
 */
export async function readHashedRange(
  conn: Queryable,
  from: number,
  to: number,
): Promise<Buffer | undefined> {
  const [row] = await conn.query<{ leaves: Uint8Array | null }>(HASHED_RANGE_SQL, [from, to]);
  return row?.leaves
    ? Buffer.from(row.leaves.buffer, row.leaves.byteOffset, row.leaves.length)
    : undefined;
}

const HASHED_ROWS_SQL = `
  SELECT seq::float8 AS seq, ${LEAF_HASH} AS leaf
  FROM (SELECT seq, ${PIECES} FROM "AuditLog" WHERE seq >= $1 AND seq < $2) p ORDER BY seq`;

/**
 * Each stored event from `from` to `to` - 1 with its leaf hash as PostgreSQL makes it, in
 * seq order: for a range where retention deleted some events on purpose.
 */
export function readHashedRows(
  conn: Queryable,
  from: number,
  to: number,
): Promise<{ seq: number; leaf: Uint8Array }[]> {
  return conn.query(HASHED_ROWS_SQL, [from, to]);
}

const nested = (text: string | null) => (text === null ? 'null' : canonicalJson(JSON.parse(text)));

/** The RFC 9162 leaf hash of a stored event, from its content as stored. */
export function leafHashOfRow(row: LeafRow): Hash {
  return leafHash(row.head + nested(row.changes) + row.middle + nested(row.metadata) + row.tail);
}
