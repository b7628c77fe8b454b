/**
 * What tamper evidence costs, each figure against a baseline from the same run:
 *  - ingest with hashing vs the same append transaction without it (the clock stops
 *    when the tree has taken in every event, not when the appends return);
 *  - verifying the whole log vs merely reading the same rows;
 *  - inclusion and consistency proofs at 1,000,000 events vs a single-row lookup.
 *
 *   pnpm --filter @auditlog/bench bench:integrity
 *   BENCH_LOG_SIZE=200000 BENCH_DRIVERS=pglite pnpm --filter @auditlog/bench bench:integrity
 */
import { generateKeyPairSync } from 'node:crypto';
import type { AuditEntry } from '@auditlog/audit';
import { AuditStore, GroupCommitter } from '@auditlog/db';
import { connectionsOf, createTestDatabase, type TestDriver } from '@auditlog/db/testing';
import { appendPlain } from './baselines';
import { benchEntries } from './entries';

const LOG_SIZE = Number(process.env.BENCH_LOG_SIZE ?? 1_000_000);
const INGEST_EVENTS = Number(process.env.BENCH_INGEST_EVENTS ?? 400_000);
const DRIVERS = (process.env.BENCH_DRIVERS ?? 'postgres').split(',') as TestDriver[];
const { privateKey, publicKey } = generateKeyPairSync('ed25519');

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en')} ev/s`;
const line = (...parts: string[]) => console.log(parts.join('  '));

async function ingest(driver: TestDriver) {
  // Sequential batches of 1,000 (one busy caller) and 16 callers with batches of 50,
  // alternated so both variants see the same table size and machine noise. Separate
  // databases, since the baseline's constant hashes are not a valid tree.
  for (const [label, callers, batch] of [
    ['1 caller x 1000/batch', 1, 1000],
    ['16 callers x 50/batch', 16, 50],
  ] as const) {
    const hashedDb = await createTestDatabase(driver);
    const plainDb = await createTestDatabase(driver);
    const store = new AuditStore(hashedDb);
    // Through the store once, to create this month's partition.
    const plainStore = new AuditStore(plainDb);
    await plainStore.append(benchEntries(1));
    await plainStore.close();
    // The baseline goes through the same group commit as the store.
    const plain = new GroupCommitter(
      (b: AuditEntry[]) => appendPlain(connectionsOf(plainDb).prisma, b),
      5000,
    );
    let plainSeconds = 0;
    // Until the appends return (what callers wait for), and until the Merkle tree holds
    // every event (the background integration included).
    let acceptedSeconds = 0;
    let integratedSeconds = 0;
    const round = async (slice: AuditEntry[], first: 'plain' | 'hashed') => {
      const run = (write: (b: AuditEntry[]) => Promise<unknown>) =>
        Promise.all(
          Array.from({ length: callers }, async (_, c) => {
            for (let i = c * batch; i < slice.length; i += callers * batch)
              await write(slice.slice(i, i + batch));
          }),
        );
      const timePlain = async () => {
        plainSeconds += await seconds(() => run((b) => plain.submit(b)));
      };
      const timeHashed = async () => {
        const start = performance.now();
        await run((b) => store.append(b));
        acceptedSeconds += (performance.now() - start) / 1000;
        await store.integrated();
        integratedSeconds += (performance.now() - start) / 1000;
      };
      // Each starts right after a checkpoint, so that none of them pays alone for one
      // that falls due (the full-page images written after it make its WAL several
      // times larger), and after a full garbage collection.
      for (const time of first === 'plain' ? [timePlain, timeHashed] : [timeHashed, timePlain]) {
        await connectionsOf(plainDb).prisma.$executeRaw`CHECKPOINT`;
        globalThis.gc?.();
        await time();
      }
    };
    // An untimed round first: the worker thread starts, and both paths are compiled by
    // V8's optimising tiers before the clock runs (the first timed round otherwise
    // costs the hashed path 15%).
    await round(benchEntries(20_000, INGEST_EVENTS), 'hashed');
    plainSeconds = acceptedSeconds = integratedSeconds = 0;
    // Long rounds (50,000 events by default, about 2 s): each ends by waiting for the
    // tree to take in what the last pass left, a tail that is the integration's latency
    // rather than its throughput, and is reported on its own. Whichever variant runs
    // second meets the database still busy with the first one's aftermath (WAL
    // writing): they take turns.
    const rounds = 8;
    const perRound = INGEST_EVENTS / rounds;
    for (let r = 0; r < rounds; r++) {
      // Made round by round: a smaller heap keeps V8's full collections short.
      await round(benchEntries(perRound, r * perRound), r % 2 ? 'plain' : 'hashed');
    }
    const cost = (s: number) => `${((1 - plainSeconds / s) * 100).toFixed(1)}%`;
    const lag = ((integratedSeconds - acceptedSeconds) / rounds) * 1000;
    line(
      `${driver.padEnd(8)} ingest ${label.padEnd(22)}`,
      `without hashing ${rate(INGEST_EVENTS, plainSeconds).padStart(10)}`,
      `with: accepted ${rate(INGEST_EVENTS, acceptedSeconds).padStart(10)} (cost ${cost(acceptedSeconds)})`,
      `in the tree ${rate(INGEST_EVENTS, integratedSeconds).padStart(10)} (cost ${cost(integratedSeconds)}, ${lag.toFixed(0)} ms after the last append)`,
    );
    await store.close();
    await plain.close();
    await hashedDb.drop();
    await plainDb.drop();
  }
}

async function atScale(driver: TestDriver) {
  const db = await createTestDatabase(driver);
  const store = new AuditStore(db);
  const seeding = await seconds(async () => {
    const chunk = 5000;
    for (let i = 0; i < LOG_SIZE; i += chunk)
      await store.append(benchEntries(Math.min(chunk, LOG_SIZE - i), i));
  });
  line(
    `${driver.padEnd(8)} seeded ${LOG_SIZE.toLocaleString('en')} events at ${rate(LOG_SIZE, seeding)}`,
  );
  const half = await store.issueCheckpoint(privateKey);
  const checkpoint = await store.issueCheckpoint(privateKey);

  // Baseline: the same rows read in the same pages, without hashing.
  const read = await seconds(async () => {
    for (let from = 0; from < LOG_SIZE; from += 10_000) {
      await connectionsOf(db).prisma
        .$queryRaw`SELECT seq FROM "AuditLog" WHERE seq >= ${from} AND seq < ${from + 10_000} ORDER BY seq`;
    }
  });
  let result: Awaited<ReturnType<AuditStore['verify']>> | undefined;
  const verified = await seconds(async () => {
    result = await store.verify({ publicKey });
  });
  if (!result?.ok) throw new Error(`verification failed: ${JSON.stringify(result?.problem)}`);
  line(
    `${driver.padEnd(8)} verify ${LOG_SIZE.toLocaleString('en')}`,
    `${rate(LOG_SIZE, verified)} (${verified.toFixed(1)} s)`,
    `reading seq alone ${rate(LOG_SIZE, read)}`,
    `ratio ${(read / verified).toFixed(2)}`,
  );

  const samples = 200;
  const seqs = Array.from({ length: samples }, (_, i) =>
    Math.floor(((i * 7919) % samples) * (LOG_SIZE / samples)),
  );
  const times = async (fn: (i: number) => Promise<unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < samples; i++) ms.push((await seconds(() => fn(i))) * 1000);
    ms.sort((a, b) => a - b);
    return { median: ms[Math.floor(samples / 2)] as number, max: ms.at(-1) as number };
  };
  const lookup = await times(
    (i) => connectionsOf(db).prisma.$queryRaw`SELECT * FROM "AuditLog" WHERE seq = ${seqs[i]}`,
  );
  const inclusion = await times((i) =>
    store.inclusionProof(seqs[i] as number, checkpoint.treeSize),
  );
  const consistency = await times((i) =>
    store.consistencyProof(Math.max(1, seqs[i] as number), checkpoint.treeSize),
  );
  const fmt = (t: { median: number; max: number }) =>
    `median ${t.median.toFixed(1)} ms, max ${t.max.toFixed(1)} ms`;
  line(`${driver.padEnd(8)} at ${LOG_SIZE.toLocaleString('en')}: one-row lookup ${fmt(lookup)}`);
  line(
    `${driver.padEnd(8)} at ${LOG_SIZE.toLocaleString('en')}: inclusion proof ${fmt(inclusion)}`,
  );
  line(
    `${driver.padEnd(8)} at ${LOG_SIZE.toLocaleString('en')}: consistency proof ${fmt(consistency)} (from ${half.treeSize} and others)`,
  );
  await store.close();
  await db.drop();
}

for (const driver of DRIVERS) {
  await ingest(driver);
  await atScale(driver);
}
