export const HISTORY_DAYS = 90;

/** The actions of a busy SaaS application, most frequent first. */
export const ACTIONS = [
  'document.viewed',
  'document.updated',
  'auth.signed_in',
  'document.created',
  'auth.signed_out',
  'comment.created',
  'auth.sign_in_failed',
  'document.shared',
  'document.deleted',
  'billing.invoice.paid',
  'user.invited',
  'billing.invoice.refunded',
  'user.role_changed',
  'api_key.created',
  'admin.settings_changed',
  'billing.plan_changed',
];
export const ACTORS = 5000;
export const RESOURCES = 200_000;

/**
 * Loads `count` events spread evenly over the last `days` (90) straight into the tables, as
 * a migration from an older system would, in the layout the server writes: UUIDv7 ids
 * that carry each event's time, seq from 0, canonical JSON text, a salt per event.
 * The server's integrator then hashes them into the tree.
 */
export async function loadHistory(
  sql: (text: string, params?: unknown[]) => Promise<unknown>,
  count: number,
  onProgress: (loaded: number) => void,
  days = HISTORY_DAYS,
): Promise<void> {
  const end = Date.now() - 60_000;
  const start = end - days * 24 * 3600 * 1000;
  await createMonthlyPartitions(sql, new Date(start), new Date(end));
  const step = (end - start) / count;
  const chunk = 250_000;
  for (let from = 0; from < count; from += chunk) {
    const to = Math.min(count, from + chunk);
    await sql(
      `INSERT INTO "AuditLog" (id, seq, "createdAt", "actorId", "actorEmail", "actorType",
         action, outcome, "resourceType", "resourceId", metadata, ip, "userAgent",
         "requestId", writer, "piiSalt")
       SELECT (lpad(to_hex(ms), 12, '0') || '7' || substr(md5(i::text), 1, 3) || '8'
                 || substr(md5(i::text), 4, 15))::uuid,
              i, to_timestamp(ms / 1000.0),
              'usr_' || (h % $4), 'user' || (h % $4) || '@example.com',
              (CASE WHEN h % 50 = 0 THEN 'service' ELSE 'user' END)::"ActorType",
              ($5::text[])[1 + floor(array_length($5::text[], 1) * power((h % 10000) / 10000.0, 2))::int],
              (CASE WHEN h % 20 = 0 THEN 'failure' ELSE 'success' END)::"Outcome",
              'document', 'doc_' || (h % $6),
              '{"n":' || i || ',"note":"imported"}',
              '10.' || (h >> 16) % 256 || '.' || (h >> 8) % 256 || '.' || h % 256,
              'Mozilla/5.0 (X11; Linux x86_64) bench/1.0', 'req_' || i, 'api_key:benchhistory',
              substring(sha256(i::text::bytea) FROM 1 FOR 16)
         FROM generate_series($1::bigint, $2::bigint - 1) AS i,
              LATERAL (SELECT ($3::float8 + i * $7::float8)::bigint AS ms,
                              hashint8(i)::bigint & 2147483647 AS h) AS x`,
      [from, to, start, ACTORS, ACTIONS, RESOURCES, step],
    );
    onProgress(to);
  }
  await sql('UPDATE "LogHead" SET size = $1 WHERE id = 1', [count]);
  await sql('VACUUM ANALYZE "AuditLog"');
}

/** The monthly partitions the server would have made (the same names and bounds). */
async function createMonthlyPartitions(
  sql: (text: string) => Promise<unknown>,
  start: Date,
  end: Date,
) {
  for (
    let month = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
    month <= end;
    month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1))
  ) {
    const next = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
    const name = `AuditLog_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
    await sql(
      `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF "AuditLog"
         FOR VALUES FROM ('${month.toISOString()}') TO ('${next.toISOString()}')`,
    );
  }
}
