import { type Hash, leafHash } from '@auditlog/audit';
import canonicalize from 'canonicalize';
import type { RawConnection } from './raw-sql';

/**
 * SHA-256(piiSalt || [actorEmail, ip, userAgent] as JSON): the salted digest of a row's
 * personal data while it exists, and the recorded digest once it has been erased.
 * piiDigest() in packages/audit (merkle/leaf.ts) computes the same in TypeScript.
 */
export const PII_DIGEST_SQL = `CASE WHEN "piiSalt" IS NULL THEN "piiDigest" ELSE
  pg_catalog.sha256("piiSalt" || pg_catalog.convert_to('[' || pg_catalog.to_json("actorEmail")::text
    || ',' || coalesce(pg_catalog.to_json(ip)::text, 'null') || ','
    || coalesce(pg_catalog.to_json("userAgent")::text, 'null') || ']', 'UTF8')) END`;

/**
 * One stored event as hashing needs it. PostgreSQL writes the canonical leaf text around
 * the two nested JSON values (whose RFC 8785 form only the canonicalize package
 * produces); `canonical.test.ts` holds this SQL to the reference encoder in
 * packages/audit.
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
// stand in for them; concat() builds each piece in one pass (and turns NULL into '').
// Enum values and actions (which the API restricts to [a-z0-9_.]) need no JSON escaping;
// a tampered value that would have needed it simply no longer matches its hash, which is
// the right verdict. So does a missing digest (personal data removed other than by an
// erasure), which leaves an empty string.
const str = (column: string) => `pg_catalog.to_json(${column})`;
const nullable = (column: string) => `coalesce(${str(column)}::text, 'null')`;

const LEAF_SQL = `
  SELECT seq::float8 AS seq,
    pg_catalog.concat('{"_v":1,"action":"', action, '","actorId":', ${str('"actorId"')},
      ',"actorType":"', "actorType", '","changes":') AS head,
    changes::text AS changes,
    pg_catalog.concat(',"createdAt":"',
      pg_catalog.to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      '","id":"', id, '","metadata":') AS middle,
    metadata::text AS metadata,
    pg_catalog.concat(',"outcome":"', outcome, '","piiDigest":"',
      pg_catalog.encode(${PII_DIGEST_SQL}, 'hex'),
      '","requestId":', ${nullable('"requestId"')}, ',"resourceId":', ${nullable('"resourceId"')},
      ',"resourceType":', ${nullable('"resourceType"')}, ',"seq":', seq, '}') AS tail
  FROM "AuditLog" WHERE seq >= $1 AND seq < $2 ORDER BY seq`;

/** The events numbered from `from` up to (not including) `to`, in seq order. */
export function readLeafRows(conn: RawConnection, from: number, to: number): Promise<LeafRow[]> {
  return conn.query<LeafRow>(LEAF_SQL, [from, to]);
}

const nested = (text: string | null) =>
  text === null ? 'null' : (canonicalize(JSON.parse(text)) as string);

/** The RFC 9162 leaf hash of a stored event, from its content as stored. */
export function leafHashOfRow(row: LeafRow): Hash {
  return leafHash(row.head + nested(row.changes) + row.middle + nested(row.metadata) + row.tail);
}
