import { type AuditEvent, type JsonObject, piiDigest } from '@auditlog/audit';
import type { AuditLog, PrismaClient } from '../generated/prisma/client';
import { prismaQueryable } from '../raw-sql';
import { readLeafHashesOf } from '../tree/leaf-tiles';

/** A stored row as the API and exports present it, with its leaf hash once integrated. */
export function toAuditEvent(row: AuditLog, hash: Buffer | undefined): AuditEvent {
  // While the personal data exists its digest is derived from it, as the leaf was.
  const digest = row.piiSalt
    ? piiDigest(row.piiSalt, {
        actorEmail: row.actorEmail,
        ip: row.ip,
        userAgent: row.userAgent,
      })
    : row.piiDigest;
  return {
    id: row.id,
    seq: Number(row.seq),
    createdAt: row.createdAt.toISOString(),
    actorId: row.actorId,
    actorEmail: row.actorEmail,
    actorType: row.actorType,
    action: row.action,
    outcome: row.outcome,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as JsonObject),
    changes: row.changes === null ? null : (JSON.parse(row.changes) as AuditEvent['changes']),
    ip: row.ip,
    userAgent: row.userAgent,
    requestId: row.requestId,
    writer: row.writer,
    hash: hash?.toString('base64') ?? null,
    piiDigest: digest ? Buffer.from(digest).toString('base64') : '',
    piiSalt: row.piiSalt ? Buffer.from(row.piiSalt).toString('base64') : null,
    erasedAt: row.erasedAt?.toISOString() ?? null,
  };
}

/** Rows as events, with the leaf hashes of those in the tree (one query for all). */
export async function withLeafHashes(
  prisma: Pick<PrismaClient, '$queryRawUnsafe'>,
  rows: AuditLog[],
): Promise<AuditEvent[]> {
  if (rows.length === 0) return [];
  const leaves = await readLeafHashesOf(
    prismaQueryable(prisma),
    rows.map((r) => Number(r.seq)),
  );
  return rows.map((row) => toAuditEvent(row, leaves.get(Number(row.seq))));
}
