import type { Queryable } from '../raw-sql';

/** The first instant (UTC) of the month holding `at`. */
function monthStart(at: Date, offset = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
}

export function partitionName(at: Date): string {
  const month = String(at.getUTCMonth() + 1).padStart(2, '0');
  return `AuditLog_y${at.getUTCFullYear()}m${month}`;
}

/**
 * Creates the monthly partitions that events at `times` need. Runs inside the append
 * transaction, after the log's lock is taken, so two writers never race to create one.
 * `known` caches names this process has seen, sparing a catalogue look-up per batch.
 */
export async function ensurePartitions(
  tx: Queryable,
  times: readonly Date[],
  known: Set<string>,
): Promise<void> {
  // A batch spans a month or two: name each month once, not each event.
  const months = new Map<number, Date>();
  for (const at of times) months.set(at.getUTCFullYear() * 12 + at.getUTCMonth(), at);
  const needed = new Map<string, Date>();
  for (const at of months.values()) {
    const name = partitionName(at);
    if (!known.has(name)) needed.set(name, monthStart(at));
  }
  for (const [name, start] of needed) {
    // Identifiers and bounds come from dates, never from user text, so building the
    // DDL as a string is safe (DDL takes no bind parameters).
    await tx.query(
      `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF "AuditLog" FOR VALUES FROM ('${start.toISOString()}') TO ('${monthStart(start, 1).toISOString()}')`,
    );
    known.add(name);
  }
}
