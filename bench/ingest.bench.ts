/**
 * Ingest throughput of the store against raw inserts, measured in one run on each
 * database. Prints events/s and the ratio store / baseline (1.0 = no overhead).
 *
 *   pnpm bench                       # PGlite and PostgreSQL at 127.0.0.1:5432
 *   BENCH_EVENTS=200000 pnpm bench   # more events
 */
import { type AuditEntry, newEventId } from '@auditlog/audit';
import { AuditStore } from '@auditlog/db';
import { createTestDatabase, TEST_DRIVERS, type TestDatabase } from '@auditlog/db/testing';
import { benchEntries } from './entries';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const BATCH = 1000;
const CONCURRENT_CALLERS = 64;

/**
 * The floor: the very INSERT the store issues, same columns and casts, with no lock,
 * numbering, dedupe or partition check around it.
 */
async function rawInsert(db: TestDatabase, rows: AuditEntry[], firstSeq: number) {
  const times = rows.map(() => new Date());
  const ids = times.map((at) => newEventId(at));
  const col = <T>(pick: (r: AuditEntry) => T) => rows.map(pick);
  await db.prisma.$executeRaw`
    INSERT INTO "AuditLog" ("id", "seq", "createdAt", "actorId", "actorEmail", "actorType",
      "action", "outcome", "resourceType", "resourceId", "metadata", "changes", "ip",
      "userAgent", "requestId")
    SELECT id, ${BigInt(firstSeq)}::bigint + ord - 1, "createdAt", "actorId",
      "actorEmail", "actorType"::"ActorType", action, outcome::"Outcome", "resourceType",
      "resourceId", metadata::jsonb, changes::jsonb, ip, "userAgent", "requestId"
    FROM unnest(
      ${ids}::uuid[], ${times}::timestamptz[], ${col((r) => r.actorId)}::text[], ${col((r) => r.actorEmail)}::text[],
      ${col((r) => r.actorType)}::text[], ${col((r) => r.action)}::text[],
      ${col((r) => r.outcome)}::text[], ${col((r) => r.resourceType ?? null)}::text[],
      ${col((r) => r.resourceId ?? null)}::text[],
      ${col((r) => (r.metadata ? JSON.stringify(r.metadata) : null))}::text[],
      ${col((r) => (r.changes ? JSON.stringify(r.changes) : null))}::text[],
      ${col((r) => r.ip ?? null)}::text[], ${col((r) => r.userAgent ?? null)}::text[],
      ${col((r) => r.requestId ?? null)}::text[]
    ) WITH ORDINALITY AS r(id, "createdAt", "actorId", "actorEmail", "actorType", action, outcome,
      "resourceType", "resourceId", metadata, changes, ip, "userAgent", "requestId", ord)`;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

async function benchDriver(driver: (typeof TEST_DRIVERS)[number]) {
  const rows = benchEntries(EVENTS);
  const results: [string, number, number][] = [];

  // Batches of 1,000 from one caller (logMany, the SDK's batching).
  {
    const db = await createTestDatabase(driver);
    const store = new AuditStore(db);
    await store.append(rows.slice(0, 10)); // creates this month's partition
    const raw = await timed(async () => {
      for (let i = 0; i < rows.length; i += BATCH)
        await rawInsert(db, rows.slice(i, i + BATCH), 1e9 + i);
    });
    const appended = await timed(async () => {
      for (let i = 0; i < rows.length; i += BATCH) await store.append(rows.slice(i, i + BATCH));
    });
    results.push(['batches of 1,000', EVENTS / raw, EVENTS / appended]);
    await store.close();
    await db.drop();
  }

  // Many callers each sending one event at a time (logAction from a busy app): group
  // commit against one autocommit INSERT per event.
  {
    const db = await createTestDatabase(driver);
    const store = new AuditStore(db);
    await store.append(rows.slice(0, 10));
    const single = rows.slice(0, Math.min(EVENTS, 5000));
    let next = 0;
    const raw = await timed(async () => {
      await Promise.all(
        Array.from({ length: CONCURRENT_CALLERS }, async () => {
          for (let i = next++; i < single.length; i = next++)
            await rawInsert(db, [single[i] as AuditEntry], 2e9 + i);
        }),
      );
    });
    next = 0;
    const appended = await timed(async () => {
      await Promise.all(
        Array.from({ length: CONCURRENT_CALLERS }, async () => {
          for (let i = next++; i < single.length; i = next++)
            await store.append([single[i] as AuditEntry]);
        }),
      );
    });
    results.push([
      `${CONCURRENT_CALLERS} callers, 1 event each`,
      single.length / raw,
      single.length / appended,
    ]);
    await store.close();
    await db.drop();
  }

  for (const [name, raw, store] of results) {
    console.log(
      `${driver.padEnd(8)} ${name.padEnd(26)} raw ${Math.round(raw).toLocaleString('en').padStart(8)} ev/s   store ${Math.round(store).toLocaleString('en').padStart(8)} ev/s   ratio ${(store / raw).toFixed(2)}`,
    );
  }
}

console.log(`ingest: ${EVENTS.toLocaleString('en')} events per run`);
for (const driver of TEST_DRIVERS) await benchDriver(driver);
