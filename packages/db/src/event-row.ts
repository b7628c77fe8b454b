import type { AuditEvent, JsonObject } from '@auditlog/audit';
import type { AuditLog } from './generated/prisma/client';

/** A stored row as the API and exports present it. */
export function toAuditEvent(row: AuditLog): AuditEvent {
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
    metadata: (row.metadata as JsonObject | null) ?? null,
    changes: (row.changes as AuditEvent['changes']) ?? null,
    ip: row.ip,
    userAgent: row.userAgent,
    requestId: row.requestId,
    hash: Buffer.from(row.hash).toString('hex'),
    piiDigest: Buffer.from(row.piiDigest).toString('hex'),
    piiSalt: row.piiSalt ? Buffer.from(row.piiSalt).toString('hex') : null,
    erasedAt: row.erasedAt?.toISOString() ?? null,
  };
}
