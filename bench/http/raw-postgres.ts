import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';

const run = promisify(execFile);

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

/** psql's \copy of the whole log, oldest first, as CSV to nowhere: rows/s. */
export async function copyOutRate(url: string, rows: number): Promise<number> {
  const took = await seconds(() =>
    run('psql', [
      url,
      '-qAt',
      '-c',
      `\\copy (SELECT * FROM "AuditLog" ORDER BY "createdAt", seq) TO '/dev/null' WITH CSV HEADER`,
    ]),
  );
  return rows / took;
}

/**
 * A table shaped and indexed like the log (not partitioned, no triggers), holding
 * `rows` copied events, for the write baselines.
 */
export async function plainTable(client: pg.Client, name: string, rows: number): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${name}`);
  await client.query(`CREATE TABLE ${name} (LIKE "AuditLog" INCLUDING DEFAULTS INCLUDING INDEXES)`);
  await client.query(`INSERT INTO ${name} SELECT * FROM "AuditLog" ORDER BY seq LIMIT $1`, [rows]);
  await client.query(`VACUUM ANALYZE ${name}`);
}

/** pgbench: `clients` connections each inserting one event per transaction: tps. */
export async function pgbenchInsertRate(
  url: string,
  table: string,
  clients: number,
  duration: number,
): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-pgbench-'));
  const script = join(dir, 'insert.sql');
  await writeFile(
    script,
    `\\set n random(1, 999999)\n\\set doc random(1, 200000)\nINSERT INTO ${table} (id, seq, "createdAt", "actorId", "actorEmail", action, "resourceType", "resourceId", metadata, ip, "userAgent", writer, "piiSalt")
     VALUES (gen_random_uuid(), 1000000000 + :client_id * 1000000 + :n, now(), 'usr_' || :client_id, 'user' || :client_id || '@example.com', 'document.updated', 'document', 'doc_' || :doc, '{"n":1,"note":"benchmark"}', '10.0.0.1', 'Mozilla/5.0 (X11; Linux x86_64) bench/1.0', 'api_key:bench', '\\x00112233445566778899aabbccddeeff');\n`,
  );
  try {
    const { stdout } = await run('pgbench', [
      '-n',
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(duration),
      '-f',
      script,
      url,
    ]);
    const tps = /tps = ([\d.]+)/.exec(stdout)?.[1];
    if (!tps) throw new Error(`pgbench said: ${stdout}`);
    return Number(tps);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** COPY of `rows` new events into `table` (already holding the history): rows/s. */
export async function copyInRate(url: string, table: string, rows: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-copy-'));
  const file = join(dir, 'events.csv');
  try {
    await run('psql', [
      url,
      '-qAt',
      '-c',
      `\\copy (SELECT gen_random_uuid(), seq + 1000000000, now(), "actorId", "actorEmail", "actorType", action, outcome, "resourceType", "resourceId", metadata, changes, ip, "userAgent", "requestId", "piiDigest", "piiSalt", "erasedAt", writer FROM "AuditLog" ORDER BY seq LIMIT ${rows}) TO '${file}' WITH CSV`,
    ]);
    const columns =
      'id, seq, "createdAt", "actorId", "actorEmail", "actorType", action, outcome, "resourceType", "resourceId", metadata, changes, ip, "userAgent", "requestId", "piiDigest", "piiSalt", "erasedAt", writer';
    const took = await seconds(() =>
      run('psql', [url, '-qAt', '-c', `\\copy ${table} (${columns}) FROM '${file}' WITH CSV`]),
    );
    return rows / took;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
