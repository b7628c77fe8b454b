import { type AuditEntry, auditEntrySchema } from '@auditlog/audit';

/** Typical events of a busy application: 500 users editing documents and signing in. */
export const benchEntries = (count: number, offset = 0): AuditEntry[] =>
  Array.from({ length: count }, (_, k) => {
    const i = offset + k;
    return auditEntrySchema.parse({
      actorId: `usr_${i % 500}`,
      actorEmail: `user${i % 500}@example.com`,
      action: i % 3 ? 'document.updated' : 'auth.signed_in',
      resourceType: 'document',
      resourceId: `doc_${i}`,
      metadata: { n: i, note: 'benchmark' },
      ip: `10.0.${(i >> 8) & 255}.${i & 255}`,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) bench/1.0',
    });
  });
