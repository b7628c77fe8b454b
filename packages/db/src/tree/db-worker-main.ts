/**
 * Worker thread entry (see db-worker.ts): integrates committed events into the tree over
 * a PostgreSQL connection of its own, beside the process's main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { pgRawSql } from '../raw-sql';
import type { WorkerRequest } from './db-worker';
import { integrate } from './integration-pass';

const port = parentPort;
if (!port) throw new Error('db-worker-main.ts runs only as a worker thread');

const { url } = workerData as { url: string };
const pool = new pg.Pool({ connectionString: url, max: 1 });
// An idle connection that loses its server emits 'error'; the next request reconnects.
pool.on('error', () => {});
const sql = pgRawSql(pool);

async function answer(id: number, work: () => Promise<unknown>): Promise<void> {
  try {
    port?.postMessage({ id, result: await work() });
  } catch (error) {
    port?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
}

port.on('message', async (request: WorkerRequest) => {
  switch (request.kind) {
    case 'integrate':
      return answer(request.id, () => integrate(sql));
    case 'close':
      await pool.end();
      port.close();
  }
});
