/**
 * Ingest throughput of the store against raw inserts, measured in one run on each
 * database. Prints events/s and the ratio store / baseline (1.0 = no overhead).
 *
 *   pnpm --filter @auditlog/bench bench:ingest       # PGlite and PostgreSQL at 127.0.0.1:5432
 *   BENCH_EVENTS=200000 pnpm --filter @auditlog/bench bench:ingest
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry } from '@auditlog/audit';
import { AuditStore, migrate, openDatabase } from '@auditlog/db';
import { connectionsOf, createTestDatabase, TEST_DRIVERS } from '@auditlog/db/testing';
import { insertPlain } from './baselines';
import { benchEntries } from './entries';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const BATCH = 1000;
const CONCURRENT_CALLERS = 64;

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
    // Interleaved, so both see the same table size and the same machine noise.
    let raw = 0;
    let appended = 0;
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH);
      raw += await timed(() => insertPlain(connectionsOf(db).prisma, batch, BigInt(1e9 + i)));
      appended += await timed(async () => {
        await store.append(batch);
      });
    }
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
            await insertPlain(connectionsOf(db).prisma, [single[i] as AuditEntry], BigInt(2e9 + i));
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

/**
 * What durability costs the embedded database on disk: the store as shipped (fsync on,
 * each commit synced) against the same store on PGlite's own defaults (commits left in
 * the OS's cache), with the same callers and events.
 */
async function benchDurability() {
  const single = benchEntries(Math.min(EVENTS, 5000));
  const rates: Record<string, number> = {};
  for (const durable of [false, true]) {
    const dataDir = await mkdtemp(join(tmpdir(), 'bench-durable-'));
    const db = await openDatabase({ dataDir, durable });
    await migrate(db);
    const store = new AuditStore(db);
    await store.append(single.slice(0, 10));
    let next = 0;
    const seconds = await timed(async () => {
      await Promise.all(
        Array.from({ length: CONCURRENT_CALLERS }, async () => {
          for (let i = next++; i < single.length; i = next++)
            await store.append([single[i] as AuditEntry]);
        }),
      );
    });
    rates[durable ? 'durable' : 'os-cache'] = single.length / seconds;
    await store.close();
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  const [cached = 0, durable = 0] = [rates['os-cache'], rates.durable];
  console.log(
    `pglite on disk, ${CONCURRENT_CALLERS} callers: commits in OS cache ${Math.round(cached).toLocaleString('en')} ev/s   fsync on ${Math.round(durable).toLocaleString('en')} ev/s   ratio ${(durable / cached).toFixed(2)}`,
  );
}

console.log(`ingest: ${EVENTS.toLocaleString('en')} events per run`);
for (const driver of TEST_DRIVERS) await benchDriver(driver);
await benchDurability();
