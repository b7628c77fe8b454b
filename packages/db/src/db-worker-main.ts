/**
 * Worker thread entry (see db-worker.ts): database work that is mostly hashing, over
 * PostgreSQL connections of its own, beside the process's main thread instead of in it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { checkPage } from './check-page';
import { CommittedEvents } from './committed-events';
import type { WorkerRequest } from './db-worker';
import { integrate } from './integrate';
import { pgRawSql } from './raw-sql';

const port = parentPort;
if (!port) throw new Error('db-worker-main.ts runs only as a worker thread');

// Two connections: a page's events and its tile are read side by side.
const pool = new pg.Pool({ connectionString: (workerData as { url: string }).url, max: 2 });
// An idle connection that loses its server emits 'error'; the next request reconnects.
pool.on('error', () => {});
const sql = pgRawSql(pool);
const held = new CommittedEvents();

async function answer(id: number, work: () => Promise<unknown>): Promise<void> {
  try {
    const result = await work();
    const transfer = isPageWithLeaves(result) ? [result.leaves.buffer as ArrayBuffer] : [];
    port?.postMessage({ id, result }, transfer);
  } catch (error) {
    port?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
}

const isPageWithLeaves = (value: unknown): value is { leaves: Uint8Array } =>
  typeof value === 'object' && value !== null && 'leaves' in value;

port.on('message', async (request: WorkerRequest) => {
  switch (request.kind) {
    case 'committed':
      held.add(request.batch);
      return;
    case 'integrate':
      return answer(request.id, () => integrate(sql, held));
    case 'check':
      return answer(request.id, () => checkPage(sql, request.from, request.to));
    case 'close':
      await pool.end();
      port.close();
  }
});
