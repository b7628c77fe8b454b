import { type AuditEntry, newEventId } from '@auditlog/audit';
import type { connectionsOf } from '@auditlog/db/testing';

type PrismaClient = ReturnType<typeof connectionsOf>['prisma'];

/**
 * The store's INSERT with nothing around it: the same columns, casts and unnest()ed
 * arrays, numbered from `firstSeq`, without the salt of the personal-data digest.
 */
export async function insertPlain(
  db: Pick<PrismaClient, '$executeRaw'>,
  rows: AuditEntry[],
  firstSeq: bigint,
): Promise<void> {
  const times = rows.map(() => new Date());
  const ids = times.map((at) => newEventId(at));
  const col = <T>(pick: (r: AuditEntry) => T) => rows.map(pick);
  await db.$executeRaw`
    INSERT INTO "AuditLog" ("id", "seq", "createdAt", "actorId", "actorEmail", "actorType",
      "action", "outcome", "resourceType", "resourceId", "metadata", "changes", "ip",
      "userAgent", "requestId")
    SELECT id, ${firstSeq}::bigint + ord - 1, "createdAt", "actorId", "actorEmail",
      "actorType"::"ActorType", action, outcome::"Outcome", "resourceType", "resourceId",
      metadata, changes, ip, "userAgent", "requestId"
    FROM unnest(
      ${ids}::uuid[], ${times}::timestamptz[], ${col((r) => r.actorId)}::text[],
      ${col((r) => r.actorEmail)}::text[], ${col((r) => r.actorType)}::text[],
      ${col((r) => r.action)}::text[], ${col((r) => r.outcome)}::text[],
      ${col((r) => r.resourceType ?? null)}::text[], ${col((r) => r.resourceId ?? null)}::text[],
      ${col((r) => (r.metadata ? JSON.stringify(r.metadata) : null))}::text[],
      ${col((r) => (r.changes ? JSON.stringify(r.changes) : null))}::text[],
      ${col((r) => r.ip ?? null)}::text[], ${col((r) => r.userAgent ?? null)}::text[],
      ${col((r) => r.requestId ?? null)}::text[]
    ) WITH ORDINALITY AS r(id, "createdAt", "actorId", "actorEmail", "actorType", action,
      outcome, "resourceType", "resourceId", metadata, changes, ip, "userAgent", "requestId", ord)`;
}

/**
 * The store's append transaction with the tamper evidence taken out: the same lock on
 * the log head and numbering around `insertPlain`, no hashing, no tree.
 */
export async function appendPlain(prisma: PrismaClient, rows: AuditEntry[]): Promise<undefined[]> {
  return prisma.$transaction(async (tx) => {
    const [head] = await tx.$queryRaw<{ size: bigint }[]>`
      SELECT size FROM "LogHead" WHERE id = 1 FOR UPDATE`;
    await insertPlain(tx, rows, head?.size ?? 0n);
    await tx.$executeRaw`UPDATE "LogHead" SET size = size + ${rows.length} WHERE id = 1`;
    return rows.map(() => undefined);
  });
}
