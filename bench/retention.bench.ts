/**
 * Retention at scale on PostgreSQL: 1,000,000 events over 12 months (10,000,000 with
 * `--size large`), a policy under which the three oldest months have expired whole. The
 * run (partitions dropped, the boundary day deleted in batches) is started through the
 * server's API as an admin would, so it runs in the server's process as the scheduler's
 * runs do, and is timed from request to answer beside a plain DELETE of the same rows
 * from an unpartitioned copy with the same indexes. The p99 of logAction calls under way
 * while the run lasts is set beside that of the same load without a run, under two loads,
 * each with a run on its own fresh copy of the history: 64 callers each sending again when
 * answered (which saturates this machine), and calls sent on a fixed schedule at half the
 * rate those callers reached (an open loop, timed from when each call was due).
 *
 *   pnpm build && pnpm --filter @auditlog/bench bench:retention [--size large] [--archive] [--reuse]
 *
 * The loaded and hashed history (and the baseline's table) is kept as a template database
 * while the benchmark runs; `--reuse` keeps it afterwards and copies it on later runs (at
 * 10M, a run then takes minutes instead of 25): tune and re-run at full size.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AuditStore,
  type Database,
  directoryArchiveStorage,
  migrate,
  openDatabase,
  type RetentionRunRecord,
  RetentionStore,
} from '@auditlog/db';
import { testSql } from '@auditlog/db/testing';
import pg from 'pg';
import { benchEntries } from './entries';
import { loadHistory } from './http/history';
import { pacedLogActionLoad } from './http/paced-load';
import { mutate, type RunningServer, startServer, treeCaughtUp } from './http/server';
import { logActionLoad, percentile } from './http/workloads';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: 'default' },
    /** The policy archives what it deletes first (ARCHIVE_DIR in a temporary directory). */
    archive: { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
  },
});
const EVENTS = args.size === 'large' ? 10_000_000 : 1_000_000;
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const NAME = 'auditlog_bench_retention';
const DAY = 86_400_000;
const LOAD_SECONDS = 6;

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const seconds = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
await admin.connect();
const template = `${NAME}_template_${EVENTS}`;
const url = `${SERVER}/${NAME}`;
/** A fresh copy of the loaded history to measure on (a run changes what it runs on). */
async function freshCopy() {
  await admin.query(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
  // FILE_COPY copies the files after a checkpoint; the default writes every page to WAL.
  await admin.query(`CREATE DATABASE ${NAME} TEMPLATE ${template} STRATEGY FILE_COPY`);
  const db = await openDatabase({ url });
  // A template kept from an earlier build may predate the latest migrations.
  await migrate(db);
  return db;
}
const sqlOn =
  (db: Database) =>
  <Row>(text: string, params?: unknown[]) =>
    testSql<Row>(db, text, params);

const [saved] = args.reuse
  ? (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])).rows
  : [];
console.log(
  `PostgreSQL: ${fmt(EVENTS)} events over 12 months${saved ? `, copied from ${template}` : ''}`,
);
if (!saved) {
  await admin.query(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${NAME}`);
  const db = await openDatabase({ url });
  const sql = sqlOn(db);
  await migrate(db);
  await loadHistory(sql, EVENTS, (n) => process.stdout.write(`\r  loaded ${fmt(n)} events`), 365);
  const store = new AuditStore(db);
  process.stdout.write(', hashing them into the tree…');
  await store.integrated();
  await store.issueCheckpoint(generateKeyPairSync('ed25519').privateKey);
  await store.close();
  // The baseline's plain table of the same rows and indexes is kept in the template too:
  // at 10M, copying and vacuuming it takes minutes.
  await sql('CREATE TABLE bench_plain (LIKE "AuditLog" INCLUDING DEFAULTS INCLUDING INDEXES)');
  await sql('INSERT INTO bench_plain SELECT * FROM "AuditLog"');
  await sql('VACUUM ANALYZE bench_plain');
  console.log(' done');
  // A database with open connections cannot be copied: the template is taken closed.
  await db.close();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template} TEMPLATE ${NAME} STRATEGY FILE_COPY`);
}

// The policy: kept as many whole days as reach back to the start of the fourth month, so
// the three before it (the first partly filled) expire whole, and part of a day of the
// fourth is deleted row by row. The plain DELETE of the same rows is timed on the first
// copy, before its run.
let db = await freshCopy();
let sql = sqlOn(db);
const [{ month } = { month: '' }] = await sql<{ month: string }>(
  `SELECT to_char(date_trunc('month', min("createdAt") AT TIME ZONE 'UTC') + interval '3 months', 'YYYY-MM-DD') AS month FROM "AuditLog"`,
);
const fourth = Date.parse(`${month}T00:00:00Z`);
const days = Math.floor((Date.now() - fourth) / DAY);
const cutoff = new Date(Date.now() - days * DAY);
const [{ n: expiring } = { n: '0' }] = await sql<{ n: string }>(
  'SELECT count(*)::text AS n FROM "AuditLog" WHERE "createdAt" < $1',
  [cutoff],
);
const plainDelete = await seconds(() =>
  sql('DELETE FROM bench_plain WHERE "createdAt" < $1', [cutoff]),
);
// A DELETE only marks rows dead: their space and index entries come back at VACUUM.
const plainVacuum = await seconds(() => sql('VACUUM bench_plain'));

const entry = (i: number) => benchEntries(1, i)[0] as never;
// The servers' data directories (their signing keys) and any archives, removed at the end.
const scratch = await mkdtemp(join(tmpdir(), 'bench-retention-'));
type Load = Awaited<ReturnType<typeof logActionLoad>>;

/**
 * One run under `load` on the copy in `db`, through the server, beside the same load
 * without a run just before it.
 */
async function measure(load: (server: RunningServer) => Promise<Load>) {
  await sql('DROP TABLE IF EXISTS bench_plain');
  const server = await startServer({
    DATABASE_URL: url,
    DATA_DIR: await mkdtemp(join(scratch, 'data-')),
    RETENTION_INTERVAL_MINUTES: '0',
  });
  const retention = new RetentionStore(db, {
    archives: args.archive
      ? directoryArchiveStorage(await mkdtemp(join(scratch, 'archives-')))
      : undefined,
  });
  try {
    // What the server's hourly task has done long before a month expires: each sealed
    // month summarised once, so that the run drops it without reading it.
    let summarised: string[] = [];
    const summarising = await seconds(async () => {
      summarised = await retention.summarizeSealedMonths();
    });
    // A first load warms the server (connections, JIT) so that the two measured ones
    // compare. Each measured load starts once the tree has hashed what the last one
    // stored: catching up on the warm-up's 7,000-odd events took the first second of the
    // quiet load's CPU.
    await logActionLoad(server, entry, 64, 3);
    await treeCaughtUp(server);
    const quiet = await load(server);
    await retention.setPolicy({ defaultDays: days, overrides: [], archive: args.archive ?? false });
    await treeCaughtUp(server);
    let run: RetentionRunRecord | undefined;
    let [runStart, runEnd] = [0, 0];
    const [busy] = await Promise.all([
      load(server),
      new Promise((resolve) => setTimeout(resolve, 1000)).then(async () => {
        runStart = performance.now();
        const answer = await mutate(
          server.base,
          'retention.run',
          { dryRun: false },
          server.adminCookie,
        );
        runEnd = performance.now();
        run = ((await answer.json()) as { result: { data: RetentionRunRecord } }).result.data;
      }),
    ]);
    if (!run) throw new Error('the run did not answer');
    // Only the calls under way while the run lasted: the rest of the load would dilute it.
    // A p99 over a window as short as the run swings more than one over the whole load:
    // the quiet load's windows of the same length say how much.
    const windows = quiet.p99Windows(runEnd - runStart);
    return {
      run,
      runSeconds: (runEnd - runStart) / 1000,
      quiet,
      busy,
      quietP99: quiet.p99Between(0, Number.POSITIVE_INFINITY),
      duringP99: busy.p99Between(runStart, runEnd),
      windows,
      summarised,
      summarising,
      verified: await new AuditStore(db).verify(),
    };
  } finally {
    await server.stop();
  }
}

const results: { label: string; result: Awaited<ReturnType<typeof measure>> }[] = [];
try {
  const callers = await measure((server) => logActionLoad(server, entry, 64, LOAD_SECONDS));
  results.push({ label: '64 callers, each sending when answered', result: callers });
  await db.close();
  db = await freshCopy();
  sql = sqlOn(db);
  // Half of what the 64 callers reached without a run: a busy server, not a saturated one.
  const rate = Math.round(callers.quiet.rate / 2);
  results.push({
    label: `${fmt(rate)} calls/s sent on schedule (half the callers' rate)`,
    result: await measure((server) => pacedLogActionLoad(server, entry, rate, LOAD_SECONDS)),
  });
} finally {
  await db.close();
  await admin.query(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
  await rm(scratch, { recursive: true, force: true });
  if (args.reuse) console.log(`Kept ${template} for later --reuse runs (drop it when done).`);
  else await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.end();
}

const [first] = results;
if (!first) throw new Error('nothing was measured');
const { run } = first.result;
console.log(`
Policy: keep ${days} days; ${fmt(Number(expiring))} events expire (${fmt(run.partitionsDropped.length)} months whole: ${run.partitionsDropped.join(', ')})${run.archive ? `; archived first, read back and verified: ${fmt(run.archive.events)} events in ${fmt(run.archive.bytes / 2 ** 20, 1)} MiB` : ''}
The plain DELETE of the same rows: ${fmt(plainDelete, 2)} s, then VACUUM ${fmt(plainVacuum, 2)} s.
`);
for (const { label, result: r } of results) {
  console.log(`Under logAction load: ${label}, ${LOAD_SECONDS} s with and without a run

| workload | ours | baseline, same run | ratio | target |
|---|---|---|---|---|
| retention run, ${fmt(EVENTS)} events | ${fmt(r.runSeconds, 2)} s, ${fmt(r.run.deleted)} deleted | plain DELETE ${fmt(plainDelete, 2)} s (${fmt(plainDelete + plainVacuum, 2)} s with VACUUM) | ${fmt(r.runSeconds / plainDelete, 2)} (${fmt(r.runSeconds / (plainDelete + plainVacuum), 2)} with VACUUM) | < 1 s |
| logAction p99, calls under way during the run | ${fmt(r.duringP99, 1)} ms (${fmt(r.busy.rate)} ev/s over the load) | the same load without a run ${fmt(r.quietP99, 1)} ms, ${fmt(r.quiet.rate)} ev/s | ${fmt(r.duringP99 / r.quietP99, 2)} | < 1.10 |
| the same, against the quiet load's windows as long as the run | | median p99 ${fmt(percentile(r.windows, 50), 1)} ms (${fmt(r.windows[0] ?? 0, 1)}–${fmt(r.windows.at(-1) ?? 0, 1)} over ${r.windows.length} windows) | ${fmt(r.duringP99 / percentile(r.windows, 50), 2)} | |

Sealed months summarised beforehand (the server does it hourly, once a month is sealed): ${r.summarised.length} in ${fmt(r.summarising, 2)} s.
Verification after the run: ${r.verified.ok ? 'intact' : `FAILED: ${r.verified.problem?.reason}`}, ${fmt(r.verified.pruned?.events ?? 0)} events proven by their recorded hashes.
`);
}
