import { randomBytes } from 'node:crypto';
import { type AuditEntry, canonicalJson, newEventId, SALT_BYTES, uuid7Time } from '@auditlog/audit';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
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
  prisma: PrismaClient,
  entries: PreparedEntry[],
  knownPartitions: Set<string>,
): Promise<AppendResult[]> {
  if (!entries.every((e) => knownPartitions.has(partitionName(e.createdAt)))) {
    return appendChecked(prisma, entries, knownPartitions);
  }
  return entries.some((e) => e.clientId)
    ? appendWithClientIds(prisma, entries, knownPartitions)
    : appendInOneStatement(prisma, entries);
}

/**
 * Events with caller-chosen ids (every SDK event: a retry must be stored once), without
 * holding the log's lock across round trips: the ids already stored are looked up first,
 * and the rest appended in one statement. A retry racing its original past that lookup
 * (from another connection) makes the insert fail on the log's primary key, atomically;
 * the batch is then written again under the lock, where the lookup cannot be overtaken.
 */
async function appendWithClientIds(
  prisma: PrismaClient,
  entries: PreparedEntry[],
  knownPartitions: Set<string>,
): Promise<AppendResult[]> {
  const stored = await findStored(
    prisma,
    entries.filter((e) => e.clientId),
  );
  const fresh: PreparedEntry[] = [];
  // Where each entry's result comes from: stored already, or its place among the fresh.
  const place = new Map<string, number>();
  const slots = entries.map((e) => {
    if (stored.has(e.id)) return -1;
    const earlier = e.clientId ? place.get(e.id) : undefined;
    if (earlier !== undefined) return earlier;
    fresh.push(e);
    if (e.clientId) place.set(e.id, fresh.length - 1);
    return fresh.length - 1;
  });
  let appended: AppendResult[] = [];
  try {
    if (fresh.length > 0) appended = await appendInOneStatement(prisma, fresh);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return appendChecked(prisma, entries, knownPartitions);
  }
  const answered = new Set<number>();
  return entries.map((e, i) => {
    const slot = slots[i] as number;
    if (slot < 0) return stored.get(e.id) as AppendResult;
    const result = appended[slot] as AppendResult;
    // The same id twice in one batch is stored once; the later ones are its duplicates.
    if (answered.has(slot)) return { ...result, duplicate: true };
    answered.add(slot);
    return result;
  });
}

/** A PostgreSQL unique_violation (23505), as both driver adapters report it. */
function isUniqueViolation(error: unknown): boolean {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } })
    .meta;
  return (
    error instanceof Prisma.PrismaClientKnownRequestError &&
    meta?.driverAdapterError?.cause?.originalCode === '23505'
  );
}

/**
 * The common case (ids made here, partitions in place) in one statement and one round
 * trip: reserving the numbers (UPDATE ... RETURNING takes the lock and reads the head
 * at once) and inserting commit together. The lock is held for the statement alone,
 * not across round trips that wait on a busy server.
 */
async function appendInOneStatement(
  prisma: PrismaClient,
  entries: PreparedEntry[],
): Promise<AppendResult[]> {
  const count = BigInt(entries.length);
  const [head] = await prisma.$queryRaw<{ first: bigint }[]>`
    WITH reserved AS (
      UPDATE "LogHead" SET size = size + ${count} WHERE id = 1 RETURNING size - ${count} AS first
    ), inserted AS (
      ${insertSql(entries, Prisma.sql`(SELECT first FROM reserved)`)}
    )
    SELECT first FROM reserved`;
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
 * A batch with caller-chosen ids (some may be stored already: they are answered, not
 * stored again) or a month with no partition yet, in one transaction holding the lock.
 */
async function appendChecked(
  prisma: PrismaClient,
  entries: PreparedEntry[],
  knownPartitions: Set<string>,
): Promise<AppendResult[]> {
  return prisma.$transaction(
    async (tx) => {
      const [head] = await tx.$queryRaw<{ size: bigint }[]>`
        SELECT size FROM "LogHead" WHERE id = 1 FOR UPDATE`;
      if (!head) throw new Error('LogHead row is missing: the database was not migrated');

      const stored = await findStored(
        tx,
        entries.filter((e) => e.clientId),
      );
      const results: AppendResult[] = [];
      const fresh: PreparedEntry[] = [];
      let size = Number(head.size);
      for (const entry of entries) {
        const existing = stored.get(entry.id);
        if (existing) {
          results.push({ ...existing, duplicate: true });
          continue;
        }
        const result = { id: entry.id, seq: size++, createdAt: entry.createdAt, duplicate: false };
        // The same client id twice in one batch is stored once.
        if (entry.clientId) stored.set(entry.id, result);
        fresh.push(entry);
        results.push(result);
      }
      if (fresh.length === 0) return results;

      await ensurePartitions(
        tx,
        fresh.map((e) => e.createdAt),
        knownPartitions,
      );
      await tx.$executeRaw(insertSql(fresh, Prisma.sql`${head.size}::bigint`));
      await tx.$executeRaw`UPDATE "LogHead" SET size = ${BigInt(size)} WHERE id = 1`;
      return results;
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
}

/** The INSERT of `fresh`, numbered from `firstSeq`, as one statement of unnest()ed arrays. */
function insertSql(fresh: PreparedEntry[], firstSeq: Prisma.Sql): Prisma.Sql {
  const batch = storedColumns(fresh);
  return Prisma.sql`
    INSERT INTO "AuditLog" ("id", "seq", "createdAt", "actorId", "actorEmail", "actorType",
      "action", "outcome", "resourceType", "resourceId", "metadata", "changes", "ip",
      "userAgent", "requestId", "writer", "piiSalt")
    SELECT id, ${firstSeq} + ord - 1, "createdAt", "actorId", "actorEmail",
      "actorType"::"ActorType", action, outcome::"Outcome", "resourceType", "resourceId",
      metadata, changes, ip, "userAgent", "requestId", writer,
      substring(${batch.salts}::bytea FROM (ord::int - 1) * ${SALT_BYTES} + 1 FOR ${SALT_BYTES})
    FROM unnest(
      ${batch.ids}::uuid[],
      ${fresh.map((e) => e.createdAt)}::timestamptz[],
      ${batch.actorId}::text[],
      ${batch.actorEmail}::text[],
      ${batch.actorType}::text[],
      ${batch.action}::text[],
      ${batch.outcome}::text[],
      ${batch.resourceType}::text[],
      ${batch.resourceId}::text[],
      ${batch.metadata}::text[],
      ${batch.changes}::text[],
      ${batch.ip}::text[],
      ${batch.userAgent}::text[],
      ${batch.requestId}::text[],
      ${batch.writer}::text[]
    ) WITH ORDINALITY AS r(id, "createdAt", "actorId", "actorEmail", "actorType", action,
      outcome, "resourceType", "resourceId", metadata, changes, ip, "userAgent",
      "requestId", writer, ord)`;
}

async function findStored(
  tx: Pick<PrismaClient, '$queryRaw'>,
  entries: PreparedEntry[],
): Promise<Map<string, AppendResult>> {
  const found = new Map<string, AppendResult>();
  if (entries.length === 0) return found;
  // One primary-key probe per id (LATERAL), in its own month's partition. A plain join
  // let the planner sort and merge the whole month instead: 92 ms per 1,000 ids at 200k
  // rows and growing with the month, against 2 ms for the probes.
  const rows = await tx.$queryRaw<{ id: string; seq: bigint; createdAt: Date }[]>`
    SELECT a.id::text AS id, a.seq, a."createdAt"
    FROM unnest(${entries.map((e) => e.id)}::uuid[], ${entries.map((e) => e.createdAt)}::timestamptz[])
      AS k(id, "createdAt")
    CROSS JOIN LATERAL (
      SELECT id, seq, "createdAt" FROM "AuditLog" a
      WHERE a.id = k.id AND a."createdAt" = k."createdAt"
    ) a`;
  for (const row of rows) {
    found.set(row.id, {
      id: row.id,
      seq: Number(row.seq),
      createdAt: row.createdAt,
      duplicate: true,
    });
  }
  return found;
}
