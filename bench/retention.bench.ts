/**
 * Retention at scale on PostgreSQL: 1,000,000 events over 12 months (10,000,000 with
 * `--size large`), a policy under which the three oldest months have expired whole. The
 * run (partitions dropped, the boundary day deleted in batches) is started through the
 * server's API as an admin would, so it runs in the server's process as the scheduler's
 * runs do, and is timed from request to answer beside a plain DELETE of the same rows
 * from an unpartitioned copy with the same indexes. The p99 of 64 concurrent logAction
 * callers answered while the run lasts is set beside that of the same load without a run.
 *
 *   pnpm build && pnpm --filter @auditlog/bench bench:retention [--size large] [--archive] [--reuse]
 *
 * `--reuse` keeps the loaded and hashed history and the baseline's table as a template
 * database and copies it on later runs (at 10M, a run then takes about 4 minutes instead
 * of 25): tune and re-run at full size.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AuditStore,
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
import { mutate, startServer } from './http/server';
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
await admin.query(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
const template = `${NAME}_template_${EVENTS}`;
const [saved] = args.reuse
  ? (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])).rows
  : [];
await admin.query(`CREATE DATABASE ${NAME}${saved ? ` TEMPLATE ${template}` : ''}`);
const url = `${SERVER}/${NAME}`;
let db = await openDatabase({ url });
const sql = <Row>(text: string, params?: unknown[]) => testSql<Row>(db, text, params);
console.log(
  `PostgreSQL: ${fmt(EVENTS)} events over 12 months${saved ? `, copied from ${template}` : ''}`,
);
// A copied template may predate the latest migrations.
await migrate(db);
if (!saved) {
  await loadHistory(sql, EVENTS, (n) => process.stdout.write(`\r  loaded ${fmt(n)} events`), 365);
  const store = new AuditStore(db);
  process.stdout.write(', hashing them into the tree…');
  await store.integrated();
  await store.issueCheckpoint(generateKeyPairSync('ed25519').privateKey);
  await store.close();
  console.log(' done');
}
// The baseline: the same rows deleted from a plain table of the same rows and indexes
// (kept in the template too: at 10M, copying and vacuuming it takes minutes).
const [plain] = await sql<{ table: string | null }>(
  `SELECT to_regclass('bench_plain')::text AS table`,
);
if (!plain?.table) {
  await sql('CREATE TABLE bench_plain (LIKE "AuditLog" INCLUDING DEFAULTS INCLUDING INDEXES)');
  await sql('INSERT INTO bench_plain SELECT * FROM "AuditLog"');
  await sql('VACUUM ANALYZE bench_plain');
}
if (args.reuse && !(saved && plain?.table)) {
  // A database with open connections cannot be copied: the template is taken closed.
  await db.close();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template} TEMPLATE ${NAME}`);
  db = await openDatabase({ url });
  console.log(`Kept as ${template} for later --reuse runs (drop it when done).`);
}
// The policy: kept as many whole days as reach back to the start of the fourth month, so
// the three before it (the first partly filled) expire whole, and part of a day of the
// fourth is deleted row by row.
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
await sql('DROP TABLE bench_plain');

const server = await startServer({
  DATABASE_URL: url,
  DATA_DIR: await mkdtemp(join(tmpdir(), 'bench-retention-')),
  RETENTION_INTERVAL_MINUTES: '0',
});
const retention = new RetentionStore(db, {
  archives: args.archive
    ? directoryArchiveStorage(await mkdtemp(join(tmpdir(), 'bench-archives-')))
    : undefined,
});
try {
  // What the server's hourly task has done long before a month expires: each sealed month
  // summarised once, so that the run drops it without reading it.
  let summarised: string[] = [];
  const summarising = await seconds(async () => {
    summarised = await retention.summarizeSealedMonths();
  });
  const entry = (i: number) => benchEntries(1, i)[0] as never;
  // A first load warms the server (connections, JIT) so that the two measured ones compare.
  await logActionLoad(server, entry, 64, 3);
  const quiet = await logActionLoad(server, entry, 64, LOAD_SECONDS);
  await retention.setPolicy({ defaultDays: days, overrides: [], archive: args.archive ?? false });
  let run: RetentionRunRecord | undefined;
  let [runStart, runEnd] = [0, 0];
  const [busy] = await Promise.all([
    logActionLoad(server, entry, 64, LOAD_SECONDS),
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
  const runSeconds = (runEnd - runStart) / 1000;
  // Only the calls answered while the run lasted: the rest of the load would dilute it.
  const quietP99 = quiet.p99Between(0, Number.POSITIVE_INFINITY);
  const duringP99 = busy.p99Between(runStart, runEnd);
  // A p99 over a window as short as the run swings more than one over the whole load:
  // the quiet load's windows of the same length say how much.
  const windows = quiet.p99Windows(runEnd - runStart);
  const typical = percentile(windows, 50);
  const verified = await new AuditStore(db).verify();

  console.log(`
Policy: keep ${days} days; ${fmt(Number(expiring))} events expire (${fmt(run?.partitionsDropped.length ?? 0)} months whole: ${run?.partitionsDropped.join(', ')})${run?.archive ? `; archived first, read back and verified: ${fmt(run.archive.events)} events in ${fmt(run.archive.bytes / 2 ** 20, 1)} MiB` : ''}

| workload | ours | baseline, same run | ratio | target |
|---|---|---|---|---|
| retention run, ${fmt(EVENTS)} events | ${fmt(runSeconds, 2)} s, ${fmt(run?.deleted ?? 0)} deleted | plain DELETE of the same rows ${fmt(plainDelete, 2)} s, then VACUUM ${fmt(plainVacuum, 2)} s | ${fmt(runSeconds / plainDelete, 2)} (${fmt(runSeconds / (plainDelete + plainVacuum), 2)} with VACUUM) | < 1 s |
| logAction p99, 64 callers, answered during the run | ${fmt(duringP99, 1)} ms (${fmt(busy.rate)} ev/s over the ${LOAD_SECONDS} s load) | the same load without a run ${fmt(quietP99, 1)} ms, ${fmt(quiet.rate)} ev/s | ${fmt(duringP99 / quietP99, 2)} | < 1.10 |
| the same, against the quiet load's windows as long as the run | | median p99 ${fmt(typical, 1)} ms (${fmt(windows[0] ?? 0, 1)}–${fmt(windows.at(-1) ?? 0, 1)} over ${windows.length} windows) | ${fmt(duringP99 / typical, 2)} | |

Sealed months summarised beforehand (the server does it hourly, once a month is sealed): ${summarised.length} in ${fmt(summarising, 2)} s.
Verification after the run: ${verified.ok ? 'intact' : `FAILED: ${verified.problem?.reason}`}, ${fmt(verified.pruned?.events ?? 0)} events proven by their recorded hashes.`);
} finally {
  await server.stop();
  await db.close();
  await admin.query(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`);
  await admin.end();
}
