/**
 * Speed at scale through the real path: the built server over HTTP with an API key,
 * over a log holding 1,000,000 events spread over 90 days (10,000,000 with
 * `--size large`), each figure beside a raw PostgreSQL baseline measured in the same run.
 * Then EXPLAIN (ANALYZE, BUFFERS) of every query the dashboard sends, with the index each
 * uses, and the query and export figures on the embedded PGlite database.
 *
 *   pnpm build && pnpm --filter @auditlog/bench bench:http [--size large] [--skip-pglite | --skip-postgres] [--reuse]
 *
 * PostgreSQL at BENCH_DATABASE_URL's server (default postgresql://postgres@127.0.0.1:5432);
 * the database `auditlog_bench` is dropped and made again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AuditStore, type Database, migrate, openDatabase } from '@auditlog/db';
import { testSql } from '@auditlog/db/testing';
import pg from 'pg';
import { benchEntries } from '../entries';
import { loadHistory } from './history';
import { type DashboardQuery, explainAll, type PlanReport } from './plans';
import { copyInRate, copyOutRate, pgbenchInsertRate, plainTable } from './raw-postgres';
import { startServer } from './server';
import {
  exportRun,
  facetLatencies,
  keysetWalk,
  logActionLoad,
  logManyLoad,
  percentile,
  type QueryInput,
  queryLatencies,
} from './workloads';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: 'default' },
    'skip-pglite': { type: 'boolean', default: false },
    'skip-postgres': { type: 'boolean', default: false },
    /** Measure on the log a previous run loaded, when it holds exactly this many events. */
    reuse: { type: 'boolean', default: false },
  },
});
const EVENTS = args.size === 'large' ? 10_000_000 : Number(process.env.BENCH_EVENTS ?? 1_000_000);
const PGLITE_EVENTS = Math.min(EVENTS, 1_000_000);
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const DAY = 24 * 3600 * 1000;

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const log = (...parts: unknown[]) => console.log(...parts);

// The five first pages the issue names, as the dashboard asks for them.
const sevenDays = () => new Date(Date.now() - 7 * DAY).toISOString();
const FIRST_PAGES: [string, QueryInput['filter'], string][] = [
  ['newest events', {}, 'p95 < 10 ms'],
  ['action prefix + 7 days', { action: 'billing.*', from: sevenDays() }, 'p95 < 10 ms'],
  ['actor + 7 days', { actor: 'user42@example.com', from: sevenDays() }, 'p95 < 10 ms'],
  ['resource', { resourceType: 'document', resourceId: 'doc_4242' }, 'p95 < 10 ms'],
  ['outcome failure', { outcome: 'failure' }, 'p95 < 10 ms'],
  // The search language's (issue 12's targets).
  ['search: free text + 7 days', { q: '4242', from: sevenDays() }, 'p95 < 50 ms'],
  ['search: actor email, any case', { q: 'actor:USER42@Example.com' }, 'p95 < 50 ms'],
];
const THIRTY_DAYS = () => ({ from: new Date(Date.now() - 30 * DAY).toISOString() });

function dashboardQueries(events: number): DashboardQuery[] {
  return [
    ...FIRST_PAGES.map(([name, filter]) => ({ name, filter })),
    { name: 'actor id', filter: { actor: 'usr_42' } },
    { name: 'exact action (rare)', filter: { action: 'admin.settings_changed' } },
    {
      name: '30-day range, a month ago',
      filter: {
        from: new Date(Date.now() - 60 * DAY).toISOString(),
        to: new Date(Date.now() - 30 * DAY).toISOString(),
      },
    },
    {
      name: 'search: billing.*, not failed, 7 d',
      filter: { q: 'action:billing.* -outcome:failure', from: sevenDays() },
    },
    { name: 'search: ip network + 7 days', filter: { q: 'ip:10.1.0.0/16', from: sevenDays() } },
    { name: 'search: free text, no match', filter: { q: 'nowhere', from: sevenDays() } },
    { name: 'deep page (newest first)', filter: {}, afterSeq: Math.floor(events * 0.99) },
    { name: 'export page, middle', filter: {}, order: 'oldest', afterSeq: Math.floor(events / 2) },
  ];
}

async function freshPostgres(): Promise<string> {
  const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS auditlog_bench WITH (FORCE)');
  await admin.query('CREATE DATABASE auditlog_bench');
  await admin.end();
  return `${SERVER}/auditlog_bench`;
}

/** Loads the history and hashes it into the tree, before the server is started. */
async function prepare(db: Database, events: number): Promise<void> {
  await migrate(db);
  const started = performance.now();
  await loadHistory(
    (text, params) => testSql(db, text, params),
    events,
    (n) => process.stdout.write(`\r  loaded ${fmt(n)} events`),
  );
  let failed: (error: unknown) => void = () => {};
  const failure = new Promise<never>((_, reject) => {
    failed = reject;
  });
  // The server retries a failed pass on the next append; here there is none: fail loudly.
  const store = new AuditStore(db, { onIntegrationError: (error) => failed(error) });
  process.stdout.write(', hashing them into the tree…');
  await Promise.race([store.integrated(), failure]);
  await store.close();
  log(` done in ${fmt((performance.now() - started) / 1000)} s`);
}

async function firstPages(server: Awaited<ReturnType<typeof startServer>>) {
  const rows: [string, number, number, string][] = [];
  for (const [name, filter, target] of FIRST_PAGES) {
    const ms = await queryLatencies(server, { filter, limit: 50 }, 200);
    rows.push([name, percentile(ms, 50), percentile(ms, 95), target]);
  }
  return rows;
}

/**
 * The row of the facets, total and histogram of a 30-day view over HTTP (`ms`), beside
 * the raw cost of counting that range once in SQL on the same database.
 */
async function facetsRow(label: string, ms: number[], db: Database) {
  const counts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await testSql(db, 'SELECT count(*) FROM "AuditLog" WHERE "createdAt" >= $1', [
      THIRTY_DAYS().from,
    ]);
    counts.push(performance.now() - started);
  }
  const raw = percentile(counts, 50);
  row(
    `${label}facets + total + histogram, 30 days`,
    `p50 ${fmt(percentile(ms, 50))} ms, p95 ${fmt(percentile(ms, 95))} ms`,
    `SQL count(*) of the range ${fmt(raw)} ms`,
    `${fmt(percentile(ms, 95) / raw, 1)}x`,
    'p95 < 300 ms',
  );
}

function printPlans(title: string, plans: PlanReport[]) {
  log(`\n${title}`);
  log(
    '  query                          | index used                                     | rows read | buffers | SQL ms | raw p50/p95 ms',
  );
  for (const p of plans) {
    log(
      `  ${p.name.padEnd(30)} | ${(p.indexes.join(', ') || 'none (sequential scan)').padEnd(46)} | ${fmt(p.rowsRead).padStart(9)} | ${fmt(p.buffers).padStart(7)} | ${fmt(p.executionMs, 2).padStart(6)} | ${fmt(p.rawP50, 2)} / ${fmt(p.rawP95, 2)}`,
    );
  }
}

const table: string[][] = [];
const row = (...cells: string[]) => table.push(cells);

async function benchPostgres() {
  log(`PostgreSQL: ${fmt(EVENTS)} events over 90 days`);
  const url = args.reuse ? `${SERVER}/auditlog_bench` : await freshPostgres();
  const db = await openDatabase({ url });
  if (args.reuse) {
    // A run that stopped before its write workloads leaves only the server's own few
    // events (its admin, checkpoints) beside the history; the server integrates them.
    const [log] = await testSql<{ size: string }>(db, 'SELECT size::text FROM "LogHead"');
    const size = Number(log?.size);
    if (!(size >= EVENTS && size < EVENTS + 100)) {
      throw new Error(`--reuse: auditlog_bench holds ${log?.size} events, not ${EVENTS}`);
    }
  } else {
    await prepare(db, EVENTS);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-http-'));
  const server = await startServer({ DATABASE_URL: url, DATA_DIR: dataDir });
  try {
    // Reads first, on the loaded history.
    const pages = await firstPages(server);
    const plans = await explainAll(db, dashboardQueries(EVENTS));
    for (const [name, p50, p95, target] of pages) {
      const raw = plans.find((p) => p.name === name);
      row(
        `query, first page: ${name}`,
        `p50 ${fmt(p50, 1)} ms, p95 ${fmt(p95, 1)} ms`,
        `SQL p95 ${fmt(raw?.rawP95 ?? NaN, 2)} ms`,
        `${fmt(p95 / (raw?.rawP95 ?? NaN), 1)}x`,
        target,
      );
    }
    await facetsRow('', await facetLatencies(server, THIRTY_DAYS(), 20), db);
    const walk = await keysetWalk(server, { filter: {}, limit: 50 }, 200);
    row(
      'query, page 200 of a keyset walk',
      `${fmt(walk.last, 1)} ms`,
      `page 1: ${fmt(walk.first, 1)} ms`,
      `${fmt(walk.last / walk.first, 2)}x`,
      '<= 1.5x page 1',
    );
    printPlans('Query plans at this size (EXPLAIN ANALYZE, BUFFERS; 50 rows a page):', plans);

    const copyRate = await copyOutRate(url, EVENTS);
    for (const format of ['csv', 'json'] as const) {
      const run = await exportRun(server, format, EVENTS);
      row(
        `export ${fmt(EVENTS)} rows, ${format.toUpperCase()}`,
        `${fmt(run.rate)} rows/s (${fmt(run.seconds, 1)} s); tenths ${fmt(Math.min(...run.tenths) / 1000)}k–${fmt(Math.max(...run.tenths) / 1000)}k`,
        `COPY TO ${fmt(copyRate)} rows/s`,
        fmt(run.rate / copyRate, 2),
        '>= 0.5, flat',
      );
    }

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const baselineRows = Math.min(EVENTS, 1_000_000);
    await plainTable(client, 'bench_plain', baselineRows);
    const pgbench = await pgbenchInsertRate(url, 'bench_plain', 64, 15);
    const single = await logActionLoad(server, (i) => benchEntries(1, i)[0] as never, 64, 15);
    row(
      'logAction, 64 concurrent callers',
      `${fmt(single.rate)} ev/s, p50 ${fmt(single.p50, 1)} ms, p99 ${fmt(single.p99, 1)} ms`,
      `pgbench INSERT ${fmt(pgbench)} tps`,
      fmt(single.rate / pgbench, 2),
      '>= 5,000 ev/s, p99 < 50 ms',
    );
    const copyIn = await copyInRate(url, 'bench_plain', 200_000);
    const many = await logManyLoad(server, (i) => benchEntries(1, i)[0] as never, 4, 1000, 200_000);
    row(
      'logMany x1,000, 4 callers',
      `${fmt(many.rate)} ev/s; first fifth ${fmt(many.first)}, last ${fmt(many.last)}`,
      `COPY ${fmt(copyIn)} rows/s`,
      fmt(many.rate / copyIn, 2),
      '>= 0.5, not falling',
    );
    await client.query('DROP TABLE bench_plain');
    await client.end();
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
    await db.close();
  }
}

async function benchPglite() {
  log(`\nPGlite (embedded): ${fmt(PGLITE_EVENTS)} events over 90 days`);
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-http-pglite-'));
  const db = await openDatabase({ dataDir, durable: false });
  await prepare(db, PGLITE_EVENTS);
  await db.close();
  const server = await startServer({ DATA_DIR: dataDir });
  let pages: [string, number, number, string][];
  let facetMs: number[];
  const exports: Awaited<ReturnType<typeof exportRun>>[] = [];
  try {
    pages = await firstPages(server);
    facetMs = await facetLatencies(server, THIRTY_DAYS(), 20);
    for (const format of ['csv', 'json'] as const)
      exports.push(await exportRun(server, format, PGLITE_EVENTS));
  } finally {
    await server.stop();
  }
  // The raw figures on the same files, with the server stopped (PGlite is one process).
  const raw = await openDatabase({ dataDir, durable: false });
  try {
    const plans = await explainAll(raw, dashboardQueries(PGLITE_EVENTS));
    for (const [name, p50, p95] of pages) {
      const plan = plans.find((p) => p.name === name);
      row(
        `PGlite query, first page: ${name}`,
        `p50 ${fmt(p50, 1)} ms, p95 ${fmt(p95, 1)} ms`,
        `SQL p95 ${fmt(plan?.rawP95 ?? NaN, 2)} ms`,
        `${fmt(p95 / (plan?.rawP95 ?? NaN), 1)}x`,
        '',
      );
    }
    await facetsRow('PGlite ', facetMs, raw);
    const start = performance.now();
    await testSql(
      raw,
      `COPY (SELECT * FROM "AuditLog" ORDER BY "createdAt", seq) TO '/dev/null' WITH CSV`,
    ).catch(() => testSql(raw, 'SELECT * FROM "AuditLog" ORDER BY "createdAt", seq'));
    const copyRate = PGLITE_EVENTS / ((performance.now() - start) / 1000);
    for (const [i, format] of (['csv', 'json'] as const).entries()) {
      const run = exports[i];
      if (!run) continue;
      row(
        `PGlite export ${fmt(PGLITE_EVENTS)} rows, ${format.toUpperCase()}`,
        `${fmt(run.rate)} rows/s (${fmt(run.seconds, 1)} s)`,
        `read in SQL ${fmt(copyRate)} rows/s`,
        fmt(run.rate / copyRate, 2),
        '',
      );
    }
    printPlans('PGlite query plans:', plans);
  } finally {
    await raw.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
log(
  `Machine: ${availableParallelism()} cores (${cpu}), ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
if (!args['skip-postgres']) await benchPostgres();
if (!args['skip-pglite']) await benchPglite();
log('\n| workload | ours (HTTP, API key) | raw baseline, same run | ratio | target |');
log('|---|---|---|---|---|');
for (const cells of table) log(`| ${cells.join(' | ')} |`);
