/**
 * The SDK through the real path: the built server over HTTP with an API key, hashing on.
 *   1. Batched ingest: one client sending 200,000 events as fast as it will take them,
 *      beside a raw COPY of the same events into a plain table, in the same run; three
 *      such pairs, and their median ratio.
 *   2. 64 concurrent callers awaiting logAction (each until its event is stored): events/s
 *      and the latency of each call.
 *   3. CPU: a host app answering 1,000 requests/s with and without recording each through
 *      the SDK.
 * On PostgreSQL, then on the embedded PGlite database (1 and 2).
 *
 *   pnpm build && pnpm --filter @auditlog/bench bench:sdk
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry } from '@auditlog/audit';
import { createAuditClient, type Receipt } from '@auditlog/client';
import autocannon from 'autocannon';
import pg from 'pg';
import { benchEntries } from './entries';
import { copyInRate, plainTable } from './http/raw-postgres';
import { freePort, type RunningServer, startServer, treeCaughtUp } from './http/server';
import { percentile } from './http/workloads';

const INGEST = Number(process.env.BENCH_SDK_EVENTS ?? 200_000);
const INGEST_PAIRS = 3;
const CALLERS = 64;
const LOAD_SECONDS = 10;
const HOST_PAIRS = 5;
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const NAME = 'auditlog_bench_sdk';

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const keyOf = (server: RunningServer) => server.authorization.slice('Bearer '.length);
const entries = benchEntries(10_000);
const entry = (i: number): Omit<AuditEntry, 'id'> => entries[i % entries.length] as AuditEntry;

/** One client, as many events as it will take: rows/s from the first call to the last ack. */
async function batchedIngest(server: RunningServer): Promise<number> {
  const sdk = createAuditClient({
    url: server.base,
    apiKey: keyOf(server),
    maxBatch: 1000,
    maxInFlight: 4,
    maxQueue: 20_000,
  });
  const started = performance.now();
  // The producer keeps 10,000 events outstanding: it waits for the one that many back,
  // as a bulk job bounded in memory would, and keeps only those receipts (holding every
  // one to the end grew its heap with the run, and its garbage collection took CPU from
  // the server's cores).
  const outstanding: Receipt[] = new Array(10_000);
  for (let i = 0; i < INGEST; i++) {
    const slot = i % outstanding.length;
    if (i >= outstanding.length) await outstanding[slot];
    outstanding[slot] = sdk.logAction(entry(i));
  }
  const stats = await sdk.close();
  if (stats.delivered !== INGEST) throw new Error(`delivered ${stats.delivered} of ${INGEST}`);
  return INGEST / ((performance.now() - started) / 1000);
}

/** CALLERS concurrent callers, each awaiting its event: events/s and call latencies. */
async function concurrentCallers(server: RunningServer) {
  const sdk = createAuditClient({ url: server.base, apiKey: keyOf(server) });
  const latencies: number[] = [];
  const until = performance.now() + LOAD_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, c) => {
      for (let i = c; performance.now() < until; i += CALLERS) {
        const started = performance.now();
        await sdk.logAction(entry(i));
        latencies.push(performance.now() - started);
      }
    }),
  );
  await sdk.close();
  return {
    rate: latencies.length / LOAD_SECONDS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function hostApp(
  env: Record<string, string>,
): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./sdk/host-app.ts', import.meta.url).pathname],
    {
      env: { PATH: process.env.PATH, PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await once(child.stdout as NodeJS.ReadableStream, 'data');
  return { base: `http://127.0.0.1:${port}`, child };
}

/** The host's CPU (% of one core) while it answers 1,000 requests/s for LOAD_SECONDS. */
async function hostCpu(env: Record<string, string>): Promise<number> {
  const { base, child } = await hostApp(env);
  const cpu = async () =>
    ((await (await fetch(`${base}/cpu`)).json()) as { micros: number }).micros;
  // Warm up (JIT, connections), then measure.
  await autocannon({ url: `${base}/orders/1`, connections: 10, overallRate: 1000, duration: 3 });
  const before = await cpu();
  let n = 0;
  const result = await autocannon({
    url: `${base}/orders/1`,
    connections: 10,
    overallRate: 1000,
    duration: LOAD_SECONDS,
    requests: [{ setupRequest: (req) => ({ ...req, path: `/orders/${n++}` }) }],
  });
  const used = (await cpu()) - before;
  child.kill('SIGTERM');
  await once(child, 'exit');
  if (result.non2xx + result.errors > 0) throw new Error('the host app failed requests');
  return (used / 1e6 / result.duration) * 100;
}

const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${NAME}`);
const url = `${SERVER}/${NAME}`;

console.log('PostgreSQL (the built server, WORKERS one per core)');
// Its own data directory (the signing key), not the repository's .data of `pnpm start`.
const keyDir = await mkdtemp(join(tmpdir(), 'bench-sdk-key-'));
const postgres = await startServer({
  DATABASE_URL: url,
  DATA_DIR: keyDir,
  CHECKPOINT_INTERVAL_SECONDS: '0',
});
// One pair's ratio swung from 0.44 to 0.61 between runs of the same build: three pairs
// (the SDK's ingest, then the COPY, side by side) are measured, and their median counts,
// as the host's CPU is read below. Each ingest goes into the log the last ones filled,
// and each COPY into a table holding as many events as the log held before that ingest.
const client = new pg.Client({ connectionString: url });
await client.connect();
const pairs: { ingest: number; copy: number; caughtUp: number }[] = [];
for (let pair = 0; pair < INGEST_PAIRS; pair++) {
  const ingest = await batchedIngest(postgres);
  const caughtUp = await treeCaughtUp(postgres);
  await plainTable(client, 'bench_copy', pair * INGEST);
  pairs.push({ ingest, copy: await copyInRate(url, 'bench_copy', INGEST), caughtUp });
}
await client.end();
const ratios = pairs.map((p) => p.ingest / p.copy);
console.log(
  `  batched ingest through the SDK against a raw COPY of the same events (median of ${INGEST_PAIRS} pairs): ratio ${fmt(percentile(ratios, 50), 2)} (target >= 0.50)`,
);
for (const p of pairs) {
  console.log(
    `    ${fmt(p.ingest)} events/s against ${fmt(p.copy)} rows/s: ${fmt(p.ingest / p.copy, 2)}; the tree took in the last events ${fmt(p.caughtUp, 1)} s after the last ack`,
  );
}
await treeCaughtUp(postgres);
const callers = await concurrentCallers(postgres);
console.log(
  `  ${CALLERS} concurrent logAction callers: ${fmt(callers.rate)} events/s, p50 ${fmt(callers.p50, 1)} ms, p99 ${fmt(callers.p99, 1)} ms (targets >= 5,000/s, p99 < 50 ms)`,
);
// One measurement swings by ±2 points on a shared 2-core machine: the pairs alternate,
// and each side's median counts.
const without: number[] = [];
const withSdk: number[] = [];
for (let pair = 0; pair < HOST_PAIRS; pair++) {
  without.push(await hostCpu({}));
  withSdk.push(await hostCpu({ AUDIT_URL: postgres.base, AUDIT_KEY: keyOf(postgres) }));
}
const [bare, recording] = [percentile(without, 50), percentile(withSdk, 50)];
console.log(
  `  host app at 1,000 requests/s (median of ${HOST_PAIRS}): ${fmt(bare, 1)}% of a core without the SDK, ${fmt(recording, 1)}% recording every request; the SDK adds ${fmt(recording - bare, 1)}% of a core, ${fmt((recording - bare) * 10, 0)} µs a request (target < 5% of a core); ${fmt(((recording - bare) / bare) * 100, 0)}% more than this near-idle app uses`,
);
console.log(
  `    each pair (without, with): ${without.map((w, i) => `${fmt(w, 1)}/${fmt(withSdk[i] as number, 1)}`).join(', ')}`,
);
await postgres.stop();
await rm(keyDir, { recursive: true, force: true });
await admin.query(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
await admin.end();

console.log('PGlite (the built server, embedded database)');
const dataDir = await mkdtemp(join(tmpdir(), 'bench-sdk-'));
const pglite = await startServer({ DATA_DIR: dataDir, CHECKPOINT_INTERVAL_SECONDS: '0' });
console.log(`  batched ingest through the SDK: ${fmt(await batchedIngest(pglite))} events/s`);
await treeCaughtUp(pglite);
const embedded = await concurrentCallers(pglite);
console.log(
  `  ${CALLERS} concurrent logAction callers: ${fmt(embedded.rate)} events/s, p50 ${fmt(embedded.p50, 1)} ms, p99 ${fmt(embedded.p99, 1)} ms`,
);
await pglite.stop();
await rm(dataDir, { recursive: true, force: true });
