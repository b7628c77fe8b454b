import { randomBytes } from 'node:crypto';
import { type AuditEntry, canonicalJson, newEventId, SALT_BYTES, uuid7Time } from '@auditlog/audit';
import type { Queryable, RawSql } from '../raw-sql';
import { ensurePartitions, partitionName } from './partitions';

/** An entry with its id fixed, ready to be numbered. */
export interface PreparedEntry {
  // Kept by reference: copying its fields into a new object costs more than it saves.
  entry: AuditEntry;
  id: string;
  createdAt: Date;
  /** A caller-chosen id may be a retry of an event already stored. */
  clientId: boolean;
  /** Who wrote it (see AuditEvent.writer). */
  writer: string;
}

export interface AppendResult {
  id: string;
  seq: number;
  createdAt: Date;
  /** True when the id was already in the log: nothing new was stored. */
  duplicate: boolean;
}

/** Whoever appends without naming a writer is the audit log itself. */
export const SERVER_WRITER = 'server';

/** Fixes ids (and so partitions) in the caller's request, outside the log's lock. */
export function prepareEntries(entries: AuditEntry[], writer = SERVER_WRITER): PreparedEntry[] {
  return entries.map((entry) => {
    if (entry.id !== undefined) {
      const createdAt = new Date(uuid7Time(entry.id));
      return { entry, id: entry.id, createdAt, clientId: true, writer };
    }
    const createdAt = new Date();
    return { entry, id: newEventId(createdAt), createdAt, clientId: false, writer };
  });
}

/** Events' columns as they are stored, for one INSERT of unnest()ed arrays. */
interface StoredColumns {
  ids: string[];
  actorId: string[];
  actorType: string[];
  action: string[];
  outcome: string[];
  resourceType: (string | null)[];
  resourceId: (string | null)[];
  requestId: (string | null)[];
  metadata: (string | null)[];
  changes: (string | null)[];
  actorEmail: string[];
  ip: (string | null)[];
  userAgent: (string | null)[];
  writer: string[];
  salts: Buffer;
}

/**
 * The events' columns as they will be stored: nested JSON as the canonical text the leaf
 * commits to (see the schema), and a fresh random salt each for the personal-data digest.
 */
function storedColumns(fresh: PreparedEntry[]): StoredColumns {
  const column = <T>(pick: (entry: AuditEntry) => T) => fresh.map((e) => pick(e.entry));
  const canonical = (value: object | undefined) =>
    value === undefined ? null : canonicalJson(value);
  return {
    ids: fresh.map((e) => e.id),
    actorId: column((e) => e.actorId),
    actorType: column((e) => e.actorType),
    action: column((e) => e.action),
    outcome: column((e) => e.outcome),
    resourceType: column((e) => e.resourceType ?? null),
    resourceId: column((e) => e.resourceId ?? null),
    requestId: column((e) => e.requestId ?? null),
    metadata: column((e) => canonical(e.metadata)),
    changes: column((e) => canonical(e.changes)),
    actorEmail: column((e) => e.actorEmail),
    ip: column((e) => e.ip ?? null),
    userAgent: column((e) => e.userAgent ?? null),
    writer: fresh.map((e) => e.writer),
    salts: randomBytes(SALT_BYTES * fresh.length),
  };
}

/**
 * Writes a batch, numbered from the log's head without gaps under its lock (the LogHead
 * row). Each event gets a fresh random salt for its personal-data digest (all of them
 * cut from one random buffer: PostgreSQL's gen_random_uuid() per row costs several
 * percent of the append). Hashing happens afterwards, off this path, in the integrator.
 */
export async function appendBatch(
  sql: RawSql,
  entries: PreparedEntry[],
  knownPartitions: Set<string>,
): Promise<AppendResult[]> {
  if (!entries.every((e) => knownPartitions.has(partitionName(e.createdAt)))) {
    return appendChecked(sql, entries, knownPartitions);
  }
  return entries.some((e) => e.clientId)
    ? appendWithClientIds(sql, entries, knownPartitions)
    : appendInOneStatement(sql, entries);
}

/**
 * Events with caller-chosen ids (every SDK event: a retry must be stored once). Almost
 * every batch holds only new ids, so it is written as the common case is, in one
 * statement: an id already stored makes the insert fail on the log's primary key,
 * atomically (the head's UPDATE goes with it), and the batch is then written again under
 * the log's lock, probing for the ids already stored (see appendChecked). Probing every
 * batch in the insert itself (probeAndAppend) took a fifth of PostgreSQL's time in SDK
 * ingest (perf): the probes, the batch materialised for them, and the sort behind the
 * window that numbers the rows left.
 */
async function appendWithClientIds(
  sql: RawSql,
  entries: PreparedEntry[],
  knownPartitions: Set<string>,
): Promise<AppendResult[]> {
  try {
    const months = summarisedMonths(entries);
    if (months.length === 0) {
      return repeatsAnId(entries)
        ? await probeAndAppend(sql, entries)
        : await appendInOneStatement(sql, entries);
    }
    // Old events (an import): their months' summaries go in the same transaction.
    return await sql.transaction(async (tx) => {
      const results = await probeAndAppend(tx, entries);
      await forgetSummaries(tx, months);
      return results;
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return appendChecked(sql, entries, knownPartitions);
  }
}

/** The batch names one id twice (a client retrying within a batch): stored once. */
function repeatsAnId(entries: PreparedEntry[]): boolean {
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.id)) return true;
    ids.add(e.id);
  }
  return false;
}

// Events older than this come only from imports (an API client's id dates an event at
// most 7 days back; ids made here are new), and may land in a month that retention has
// summarised (MonthSummary).
const SUMMARISED_AFTER_MS = 7 * 86_400_000;

/** The months of the batch's events old enough to have been summarised. */
function summarisedMonths(entries: PreparedEntry[]): string[] {
  const oldest = Date.now() - SUMMARISED_AFTER_MS;
  const old = entries.filter((e) => e.createdAt.getTime() < oldest);
  return [...new Set(old.map((e) => partitionName(e.createdAt)))];
}

/**
 * An old event makes its month's summary wrong, so the summary goes in the transaction
 * that appends it. This DELETE runs after the insert, which waits while the month is
 * being summarised, and so sees a summary committed meanwhile.
 */
async function forgetSummaries(tx: Queryable, months: string[]): Promise<void> {
  if (months.length === 0) return;
  await tx.query('DELETE FROM "MonthSummary" WHERE partition = ANY($1::text[])', [months]);
}

/**
 * One statement and one round trip: it probes for the ids already stored (answered as
 * duplicates, not stored again), numbers and inserts the rest, and answers with both.
 * The probes run before the log's lock is taken (they feed the count that the UPDATE of
 * the head adds), so the lock is held for the insert alone.
 */
async function probeAndAppend(sql: Queryable, entries: PreparedEntry[]): Promise<AppendResult[]> {
  // The same id twice in one batch is stored once: only its first is sent.
  const unique: PreparedEntry[] = [];
  const firstOf = new Map<string, number>();
  const slots = entries.map((e) => {
    const earlier = e.clientId ? firstOf.get(e.id) : undefined;
    if (earlier !== undefined) return earlier;
    unique.push(e);
    if (e.clientId) firstOf.set(e.id, unique.length - 1);
    return unique.length - 1;
  });
  const rows = batchRows(unique, 0);
  // One index probe per id (LATERAL), in its own month's partition. A plain join
  // let the planner sort and merge the whole month instead: 92 ms per 1,000 ids at 200k
  // rows and growing with the month, against 2 ms for the probes.
  const answer = await sql.query<{
    ord: string | null;
    seq: string | bigint;
    createdAt: Date | null;
  }>(
    `WITH r AS (${rows.text}), stored AS (
      SELECT r.ord, a.seq, a."createdAt" FROM r CROSS JOIN LATERAL (
        SELECT seq, "createdAt" FROM "AuditLog" a WHERE a.id = r.id AND a."createdAt" = r."createdAt"
      ) a
    ), fresh AS (
      SELECT r.*, row_number() OVER (ORDER BY r.ord) AS n
      FROM r WHERE r.ord NOT IN (SELECT ord FROM stored)
    ), reserved AS (
      UPDATE "LogHead" SET size = size + (SELECT count(*) FROM fresh) WHERE id = 1
      RETURNING size - (SELECT count(*) FROM fresh) AS first
    ), inserted AS (${insertFrom('fresh', '(SELECT first FROM reserved) + n - 1', '$1')})
    SELECT NULL::bigint AS ord, first AS seq, NULL::timestamptz AS "createdAt" FROM reserved
    UNION ALL SELECT ord, seq, "createdAt" FROM stored`,
    rows.params,
  );
  const [head, ...stored] = answer;
  if (!head || head.ord !== null) {
    throw new Error('LogHead row is missing: the database was not migrated');
  }
  const storedAt = new Map(stored.map((row) => [Number(row.ord) - 1, row]));
  let next = Number(head.seq);
  const results = unique.map((e, i): AppendResult => {
    const found = storedAt.get(i);
    return found
      ? { id: e.id, seq: Number(found.seq), createdAt: found.createdAt as Date, duplicate: true }
      : { id: e.id, seq: next++, createdAt: e.createdAt, duplicate: false };
  });
  const answered = new Set<number>();
  return entries.map((_, i) => {
    const slot = slots[i] as number;
    const result = results[slot] as AppendResult;
    // A repeat of an id earlier in the batch is a duplicate of it.
    if (answered.has(slot)) return { ...result, duplicate: true };
    answered.add(slot);
    return result;
  });
}

/** A PostgreSQL unique_violation (23505), as node-postgres and PGlite both report it. */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

/**
 * The common case (ids made here, partitions in place) in one statement and one round
 * trip: reserving the numbers (UPDATE ... RETURNING takes the lock and reads the head
 * at once) and inserting commit together. The lock is held for the statement alone,
 * not across round trips that wait on a busy server.
 */
async function appendInOneStatement(
  sql: Queryable,
  entries: PreparedEntry[],
): Promise<AppendResult[]> {
  const rows = batchRows(entries, 1);
  const [head] = await sql.query<{ first: string | bigint }>(
    `WITH r AS (${rows.text}), reserved AS (
      UPDATE "LogHead" SET size = size + $1 WHERE id = 1 RETURNING size - $1 AS first
    ), inserted AS (${insertFrom('r', '(SELECT first FROM reserved) + ord - 1', '$2')})
    SELECT first FROM reserved`,
    [entries.length, ...rows.params],
    // Parsed and planned once per connection: that was 0.35 ms of PostgreSQL's 2.4 ms of
    // CPU for a 64-event insert, the size a request from 64 awaiting callers carries.
    'auditlog_append',
  );
  if (!head) throw new Error('LogHead row is missing: the database was not migrated');
  const first = Number(head.first);
  return entries.map((e, i) => ({
    id: e.id,
    seq: first + i,
    createdAt: e.createdAt,
    duplicate: false,
  }));
}

/**
 * A batch whose probe was overtaken by a racing retry, or a month with no partition yet:
 * the same statement, in one transaction that takes the log's lock first, so that no
 * other writer can store one of these ids, or make a partition, in between.
 */
async function appendChecked(
  sql: RawSql,
  entries: PreparedEntry[],
  knownPartitions: Set<string>,
): Promise<AppendResult[]> {
  return sql.transaction(async (tx) => {
    await tx.query('SELECT size FROM "LogHead" WHERE id = 1 FOR UPDATE');
    await ensurePartitions(
      tx,
      entries.map((e) => e.createdAt),
      knownPartitions,
    );
    const results = await probeAndAppend(tx, entries);
    await forgetSummaries(tx, summarisedMonths(entries));
    return results;
  });
}

/**
 * The batch as a relation of unnest()ed arrays, numbered by `ord` from 1, for one
 * statement; its parameters come after the statement's first `offset`, starting with the
 * salts (see insertFrom).
 */
function batchRows(fresh: PreparedEntry[], offset: number): { text: string; params: unknown[] } {
  const batch = storedColumns(fresh);
  const params = [
    batch.salts,
    batch.ids,
    fresh.map((e) => e.createdAt),
    batch.actorId,
    batch.actorEmail,
    batch.actorType,
    batch.action,
    batch.outcome,
    batch.resourceType,
    batch.resourceId,
    batch.metadata,
    batch.changes,
    batch.ip,
    batch.userAgent,
    batch.requestId,
    batch.writer,
  ];
  const arrays = ['uuid', 'timestamptz', ...Array<string>(13).fill('text')]
    .map((type, i) => `$${offset + i + 2}::${type}[]`)
    .join(', ');
  const text = `SELECT * FROM unnest(${arrays}) WITH ORDINALITY AS r(id, "createdAt", "actorId",
    "actorEmail", "actorType", action, outcome, "resourceType", "resourceId", metadata,
    changes, ip, "userAgent", "requestId", writer, ord)`;
  return { text, params };
}

/** Inserts the rows of `source` (shaped as batchRows makes them) numbered by `seq`. */
function insertFrom(source: string, seq: string, salts: string): string {
  return `INSERT INTO "AuditLog" ("id", "seq", "createdAt", "actorId", "actorEmail", "actorType",
      "action", "outcome", "resourceType", "resourceId", "metadata", "changes", "ip",
      "userAgent", "requestId", "writer", "piiSalt")
    SELECT id, ${seq}, "createdAt", "actorId", "actorEmail", "actorType"::"ActorType", action,
      outcome::"Outcome", "resourceType", "resourceId", metadata, changes, ip, "userAgent",
      "requestId", writer,
      substring(${salts}::bytea FROM (ord::int - 1) * ${SALT_BYTES} + 1 FOR ${SALT_BYTES})
    FROM ${source}`;
}
