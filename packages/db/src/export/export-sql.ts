import type { Prisma } from '../generated/prisma/client';
import { PII_DIGEST_SQL } from '../tree/leaf-rows';
import { leafHashSql, TILE_LEAVES } from '../tree/leaf-tiles';

/**
 * What an export's COPY selects: each event as packages/audit's eventsToCsv and
 * JSON.stringify(event) write it (export.test.ts holds the two to the same values), so
 * that PostgreSQL formats the rows and the server only passes bytes on.
 */

const iso = (column: string) =>
  `pg_catalog.to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// The leaf hash, from the event's tile (t) once the tree has taken it in.
const HASH = `pg_catalog.encode(${leafHashSql('t.hashes', 'seq')}, 'base64')`;

// A spreadsheet runs a cell starting with = + - @ tab or CR as a formula, and audit data
// carries attacker-chosen text: such a cell is defused with a leading quote (OWASP).
// Empty text is written as nothing, as for a missing value (COPY would write "").
const cell = (text: string) => `CASE WHEN pg_catalog.ascii(${text}) IN (61, 43, 45, 64, 9, 13)
  THEN '''' || ${text} ELSE nullif(${text}, '') END`;

/** CSV_COLUMNS, in order, under their own names (COPY's HEADER prints them). */
const CSV_SELECT = `id, seq, ${iso('"createdAt"')} AS "createdAt",
  ${cell('"actorId"')} AS "actorId", ${cell('"actorEmail"')} AS "actorEmail",
  "actorType", action, outcome,
  ${cell('"resourceType"')} AS "resourceType", ${cell('"resourceId"')} AS "resourceId",
  ${cell('ip')} AS ip, ${cell('"userAgent"')} AS "userAgent",
  ${cell('"requestId"')} AS "requestId", ${cell('writer')} AS writer,
  metadata, changes, ${iso('"erasedAt"')} AS "erasedAt", ${cell(HASH)} AS hash`;

/** AuditEvent's fields in toAuditEvent's order; row_to_json writes them as JSON.stringify does. */
const JSON_SELECT = `id, seq, ${iso('"createdAt"')} AS "createdAt", "actorId", "actorEmail",
  "actorType", action, outcome, "resourceType", "resourceId",
  metadata::json AS metadata, changes::json AS changes, ip, "userAgent", "requestId",
  writer, ${HASH} AS hash,
  coalesce(pg_catalog.encode(${PII_DIGEST_SQL}, 'base64'), '') AS "piiDigest",
  pg_catalog.encode("piiSalt", 'base64') AS "piiSalt", ${iso('"erasedAt"')} AS "erasedAt"`;

/**
 * The rows of one page of an export: the events matching `where`, oldest first. The
 * page's rows are read once, and each leaf tile they need is read once and held whole
 * (|| copies it out of line storage), rather than fetched again for every event.
 */
export function exportRowsSql(format: 'csv' | 'json', where: string): string {
  const rows = `WITH page AS MATERIALIZED (
      SELECT * FROM "AuditLog" ${where} ORDER BY "createdAt", seq
    ), tiles AS MATERIALIZED (
      SELECT tile, hashes || ''::bytea AS hashes FROM "LeafTile"
      WHERE tile IN (SELECT DISTINCT seq / ${TILE_LEAVES} FROM page)
    )
    SELECT ${format === 'csv' ? CSV_SELECT : JSON_SELECT}
    FROM page LEFT JOIN tiles t ON t.tile = seq / ${TILE_LEAVES} ORDER BY "createdAt", seq`;
  return format === 'csv' ? rows : `SELECT pg_catalog.row_to_json(e)::text FROM (${rows}) e`;
}

/**
 * One page of an export as a COPY statement. JSON comes one object per line: the quote
 * and delimiter are control characters that JSON text never holds unescaped, so COPY
 * writes each line as it is.
 */
export function exportCopySql(format: 'csv' | 'json', where: string, header: boolean): string {
  const rows = exportRowsSql(format, where);
  return format === 'csv'
    ? `COPY (${rows}) TO STDOUT WITH (FORMAT csv, HEADER ${header})`
    : `COPY (${rows}) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`;
}

/**
 * The statement with its values written in as literals: COPY takes no bind parameters.
 * Strings are escaped as libpq's PQescapeLiteral does; times and numbers are formatted
 * here; the casts around each value are the query's own.
 */
export function inlineValues(sql: Prisma.Sql, escapeLiteral: (text: string) => string): string {
  return sql.strings.reduce((text, part, i) => {
    if (i === 0) return part;
    const value = sql.values[i - 1];
    let literal: string;
    if (value instanceof Date) literal = escapeLiteral(value.toISOString());
    else if (typeof value === 'string') literal = escapeLiteral(value);
    else if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)))
      literal = String(value);
    else throw new Error(`cannot write ${typeof value} into an export's SQL`);
    return text + literal + part;
  }, '');
}
