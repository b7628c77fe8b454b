/**
 * Worker thread entry (see db-worker.ts): work that is mostly hashing, beside the
 * process's main thread instead of in it; on PostgreSQL over connections of its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { batchLeaves, HeldLeaves } from './committed-events';
import type { WorkerRequest } from './db-worker';
import { integrate } from './integrate';
import { pgRawSql } from './raw-sql';

const port = parentPort;
if (!port) throw new Error('db-worker-main.ts runs only as a worker thread');

const { url } = workerData as { url?: string };
const pool = url ? new pg.Pool({ connectionString: url, max: 1 }) : undefined;
// An idle connection that loses its server emits 'error'; the next request reconnects.
pool?.on('error', () => {});
const sql = () => {
  if (!pool) throw new Error('this worker has no database connection');
  return pgRawSql(pool);
};
const held = new HeldLeaves();

async function answer(id: number, work: () => Promise<unknown>): Promise<void> {
  try {
    const result = await work();
    const transfer = result instanceof Uint8Array ? [result.buffer as ArrayBuffer] : [];
    port?.postMessage({ id, result }, transfer);
  } catch (error) {
    port?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
}

port.on('message', async (request: WorkerRequest) => {
  switch (request.kind) {
    case 'committed':
      // Hashed at once, while the integrator has not asked for them yet.
      held.add(request.batch.first, request.batch.ids.length, batchLeaves(request.batch));
      return;
    case 'leaves':
      return answer(request.id, async () => batchLeaves(request.batch));
    case 'integrate':
      return answer(request.id, () => integrate(sql(), held));
    case 'close':
      await pool?.end();
      port.close();
  }
});
