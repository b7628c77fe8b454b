import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { PII_DIGEST_SQL } from '../tree/leaf-rows';

/**
 * GDPR erasure of one person: blanks actorEmail, ip and userAgent and deletes their
 * salt on every event where the person is the actor (matched by actor id or email).
 * The leaves commit only to the salted digest, which is recorded as the data goes, so
 * every hash, checkpoint and proof still verifies, while the erased values can no
 * longer be confirmed.
 * Returns, per actor id, how many events were erased.
 */
export async function erasePerson(prisma: PrismaClient, actor: string) {
  const rows = await prisma.$queryRaw<{ actorId: string; count: bigint }[]>`
    WITH erased AS (
      UPDATE "AuditLog"
      SET "piiDigest" = ${Prisma.raw(PII_DIGEST_SQL)}, "actorEmail" = '', ip = NULL,
        "userAgent" = NULL, "piiSalt" = NULL, "erasedAt" = now()
      WHERE ("actorId" = ${actor} OR lower("actorEmail") = lower(${actor})) AND "erasedAt" IS NULL
      RETURNING "actorId"
    )
    SELECT "actorId", count(*) AS count FROM erased GROUP BY "actorId"`;
  return rows.map((r) => ({ actorId: r.actorId, events: Number(r.count) }));
}
