/**
 * Worker thread entry: integrates events into the Merkle tree over a PostgreSQL
 * connection of its own, so that reading events back and hashing them runs beside the
 * process's main thread (which serves requests and appends) instead of inside it.
 * Messages hand it the events the main thread committed, or ask for one catch-up (the
 * reply carries the tree's size or the error), or close it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { type CommittedBatch, CommittedEvents } from './committed-events';
import { integrate } from './integrate';
import { pgRawSql } from './raw-sql';

const port = parentPort;
if (!port) throw new Error('integrate-worker.ts runs only as a worker thread');

const pool = new pg.Pool({ connectionString: (workerData as { url: string }).url, max: 1 });
// An idle connection that loses its server emits 'error'; the next catch-up reconnects.
pool.on('error', () => {});
const sql = pgRawSql(pool);
const held = new CommittedEvents();

port.on('message', async (message: 'integrate' | 'close' | CommittedBatch) => {
  if (typeof message === 'object') {
    held.add(message);
    return;
  }
  if (message === 'close') {
    await pool.end();
    port.close();
    return;
  }
  try {
    port.postMessage({ size: await integrate(sql, held) });
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
