import { randomBytes } from 'node:crypto';
import {
  type AuditEntry,
  type CompleteNode,
  draftLeaf,
  Frontier,
  newEventId,
  piiDigest,
  uuid7Time,
} from '@auditlog/audit';
import type { PrismaClient } from './generated/prisma/client';
import { STORED_LEVEL_STEP } from './merkle-nodes';
import { ensurePartitions } from './partitions';

/** An entry with its id fixed and its hashing done as far as it can be before the lock. */
export interface PreparedEntry {
  // Kept by reference: copying its fields into a new object costs more than hashing them.
  entry: AuditEntry;
  id: string;
  createdAt: Date;
  /** A caller-chosen id may be a retry of an event already stored. */
  clientId: boolean;
  piiSalt: Buffer;
  piiDigest: Buffer;
  leaf: ReturnType<typeof draftLeaf>;
}

export interface AppendResult {
  id: string;
  seq: number;
  createdAt: Date;
  /** True when the id was already in the log: nothing new was stored. */
  duplicate: boolean;
}

const SALT_BYTES = 16;

/**
 * Fixes ids and does the costly hashing (salted personal-data digest, canonical JSON,
 * most of the leaf hash) in the caller's request, outside the log's lock, so that
 * writers hash in parallel with the transaction being committed.
 */
export function prepareEntries(entries: AuditEntry[]): PreparedEntry[] {
  const salts = randomBytes(SALT_BYTES * entries.length);
  return entries.map((entry, i) => {
    const id = entry.id ?? newEventId();
    const createdAt = new Date(uuid7Time(id));
    const piiSalt = salts.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES);
    const digest = piiDigest(piiSalt, {
      actorEmail: entry.actorEmail,
      ip: entry.ip ?? null,
      userAgent: entry.userAgent ?? null,
    });
    const leaf = draftLeaf({
      id,
      createdAt: createdAt.toISOString(),
      actorId: entry.actorId,
      actorType: entry.actorType,
      action: entry.action,
      outcome: entry.outcome,
      resourceType: entry.resourceType ?? null,
      resourceId: entry.resourceId ?? null,
      metadata: entry.metadata ?? null,
      changes: entry.changes ?? null,
      requestId: entry.requestId ?? null,
      piiDigest: digest.toString('hex'),
    });
    return {
      entry,
      id,
      createdAt,
      clientId: entry.id !== undefined,
      piiSalt,
      piiDigest: digest,
      leaf,
    };
  });
}

const jsonOrNull = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/**
 * Writes a batch in one transaction: takes the log's lock (the LogHead row), drops ids
 * already stored, numbers the rest from the head, finishes their leaf hashes, extends
 * the Merkle tree, and inserts the events with one statement of unnest()ed arrays.
 */
export async function appendBatch(
  prisma: PrismaClient,
  entries: PreparedEntry[],
  knownPartitions: Set<string>,
): Promise<AppendResult[]> {
  return prisma.$transaction(
    async (tx) => {
      const [head] = await tx.$queryRaw<{ size: bigint; frontier: Uint8Array }[]>`
        SELECT size, frontier FROM "LogHead" WHERE id = 1 FOR UPDATE`;
      if (!head) throw new Error('LogHead row is missing: the database was not migrated');

      const stored = await findStored(
        tx,
        entries.filter((e) => e.clientId),
      );
      const frontier = Frontier.decode(Number(head.size), head.frontier);
      const results: AppendResult[] = [];
      const fresh: PreparedEntry[] = [];
      const hashes: Buffer[] = [];
      const nodes: CompleteNode[] = [];
      for (const entry of entries) {
        const existing = stored.get(entry.id);
        if (existing) {
          results.push({ ...existing, duplicate: true });
          continue;
        }
        const seq = frontier.size;
        const leaf = entry.leaf.finish(seq);
        frontier.push(leaf, (node) => {
          if (node.level % STORED_LEVEL_STEP === 0) nodes.push(node);
        });
        const result = { id: entry.id, seq, createdAt: entry.createdAt, duplicate: false };
        stored.set(entry.id, result);
        fresh.push(entry);
        hashes.push(leaf);
        results.push(result);
      }
      if (fresh.length === 0) return results;

      await ensurePartitions(
        tx,
        fresh.map((e) => e.createdAt),
        knownPartitions,
      );
      await tx.$executeRaw`
        INSERT INTO "AuditLog" ("id", "seq", "createdAt", "actorId", "actorEmail", "actorType",
          "action", "outcome", "resourceType", "resourceId", "metadata", "changes", "ip",
          "userAgent", "requestId", "hash", "piiDigest", "piiSalt")
        SELECT id, ${head.size}::bigint + ord - 1, "createdAt", "actorId", "actorEmail",
          "actorType"::"ActorType", action, outcome::"Outcome", "resourceType", "resourceId",
          metadata::jsonb, changes::jsonb, ip, "userAgent", "requestId", hash, "piiDigest", "piiSalt"
        FROM unnest(
          ${fresh.map((e) => e.id)}::uuid[],
          ${fresh.map((e) => e.createdAt)}::timestamptz[],
          ${fresh.map((e) => e.entry.actorId)}::text[],
          ${fresh.map((e) => e.entry.actorEmail)}::text[],
          ${fresh.map((e) => e.entry.actorType)}::text[],
          ${fresh.map((e) => e.entry.action)}::text[],
          ${fresh.map((e) => e.entry.outcome)}::text[],
          ${fresh.map((e) => e.entry.resourceType ?? null)}::text[],
          ${fresh.map((e) => e.entry.resourceId ?? null)}::text[],
          ${fresh.map((e) => jsonOrNull(e.entry.metadata))}::text[],
          ${fresh.map((e) => jsonOrNull(e.entry.changes))}::text[],
          ${fresh.map((e) => e.entry.ip ?? null)}::text[],
          ${fresh.map((e) => e.entry.userAgent ?? null)}::text[],
          ${fresh.map((e) => e.entry.requestId ?? null)}::text[],
          ${hashes}::bytea[],
          ${fresh.map((e) => e.piiDigest)}::bytea[],
          ${fresh.map((e) => e.piiSalt)}::bytea[]
        ) WITH ORDINALITY AS r(id, "createdAt", "actorId", "actorEmail", "actorType", action,
          outcome, "resourceType", "resourceId", metadata, changes, ip, "userAgent",
          "requestId", hash, "piiDigest", "piiSalt", ord)`;
      if (nodes.length > 0) {
        await tx.$executeRaw`
          INSERT INTO "MerkleNode" ("level", "index", "hash")
          SELECT level, index, hash
          FROM unnest(${nodes.map((n) => n.level)}::int[], ${nodes.map((n) => BigInt(n.index))}::bigint[],
            ${nodes.map((n) => n.hash)}::bytea[]) AS n(level, index, hash)`;
      }
      await tx.$executeRaw`
        UPDATE "LogHead" SET size = ${BigInt(frontier.size)}, frontier = ${frontier.encode()}
        WHERE id = 1`;
      return results;
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
}

async function findStored(
  tx: Pick<PrismaClient, '$queryRaw'>,
  entries: PreparedEntry[],
): Promise<Map<string, AppendResult>> {
  const found = new Map<string, AppendResult>();
  if (entries.length === 0) return found;
  const rows = await tx.$queryRaw<{ id: string; seq: bigint; createdAt: Date }[]>`
    SELECT a.id::text AS id, a.seq, a."createdAt"
    FROM "AuditLog" a
    JOIN unnest(${entries.map((e) => e.id)}::uuid[], ${entries.map((e) => e.createdAt)}::timestamptz[])
      AS k(id, "createdAt") ON a.id = k.id AND a."createdAt" = k."createdAt"`;
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
