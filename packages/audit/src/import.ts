import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json';
import { type AuditEntry, auditEntrySchema } from './event';

/**
 * A row of an existing audit table shaped like the owner's seed model (id, actorId,
 * actorEmail, action, resourceType, resourceId, metadata, ip, userAgent, createdAt), as a
 * PostgreSQL row, a JSON object or a CSV record gives it. Columns this log adds (actorType,
 * outcome, changes, requestId) are taken when the source has them. Empty values (NULL,
 * an empty CSV cell) are absent.
 */
const importRowSchema = z
  .object({
    id: z.union([z.string().min(1).max(256), z.number()]).transform(String),
    createdAt: z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), 'is not a time'),
  })
  .loose();

/** One source row that cannot be imported, and why. */
export interface ImportProblem {
  /** 1-based position in the source. */
  row: number;
  sourceId: string | undefined;
  problem: string;
}

const present = (value: unknown) => value !== null && value !== undefined && value !== '';

/**
 * The id an imported row is stored under: a UUIDv7 dated at the row's own createdAt, its
 * other bits from a hash of the source's name and the row's id. The same row imported
 * again gets the same id, and the log stores it once.
 */
export function importedEventId(source: string, sourceId: string, createdAt: Date): string {
  const hash = createHash('sha256').update(`${source}\u0000${sourceId}`).digest();
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(createdAt.getTime(), 0, 6);
  hash.copy(bytes, 6, 0, 10);
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A source row as the entry the log stores, or what is wrong with it. */
export function importedEntry(
  source: string,
  raw: Record<string, unknown>,
): { ok: true; entry: AuditEntry } | { ok: false; problem: string } {
  const row = importRowSchema.safeParse(raw);
  if (!row.success) return { ok: false, problem: oneLine(row.error) };
  const fields = Object.fromEntries(
    ['actorId', 'actorEmail', 'actorType', 'action', 'outcome', 'resourceType', 'resourceId']
      .concat(['metadata', 'changes', 'ip', 'userAgent', 'requestId'])
      .filter((k) => present(raw[k]))
      .map((k) => [k, raw[k]]),
  );
  const parsed = auditEntrySchema.safeParse({
    actorEmail: '',
    ...fields,
    id: importedEventId(source, row.data.id, row.data.createdAt),
  });
  if (!parsed.success) return { ok: false, problem: oneLine(parsed.error) };
  return { ok: true, entry: parsed.data };
}

/** Every issue on one line: `action: must look like …; createdAt: is not a time`. */
function oneLine(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ');
}

/**
 * A running SHA-256 of the rows read from a source, in order, each as canonical JSON:
 * recorded in the log.imported event, so the import can be tied to the source it read.
 */
export function importDigest() {
  const hash = createHash('sha256');
  return {
    add(entry: AuditEntry) {
      hash.update(`${canonicalJson(entry)}\n`);
    },
    hex: () => hash.digest('hex'),
  };
}
