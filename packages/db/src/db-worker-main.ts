/**
 * Worker thread entry (see db-worker.ts): work that is mostly hashing, beside the
 * process's main thread instead of in it; on PostgreSQL over connections of its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { checkPage } from './check-page';
import { batchLeaves, HeldLeaves } from './committed-events';
import type { WorkerRequest } from './db-worker';
import { integrate } from './integrate';
import { pgRawSql } from './raw-sql';

const port = parentPort;
if (!port) throw new Error('db-worker-main.ts runs only as a worker thread');

const { url } = workerData as { url?: string };
// Two connections: a page's events and its tile are read side by side.
const pool = url ? new pg.Pool({ connectionString: url, max: 2 }) : undefined;
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
    const leaves =
      result instanceof Uint8Array ? result : isPageWithLeaves(result) && result.leaves;
    const transfer = leaves ? [leaves.buffer as ArrayBuffer] : [];
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
      // Hashed at once, while the integrator has not asked for them yet.
      held.add(request.batch.first, request.batch.ids.length, batchLeaves(request.batch));
      return;
    case 'leaves':
      return answer(request.id, async () => batchLeaves(request.batch));
    case 'integrate':
      return answer(request.id, () => integrate(sql(), held));
    case 'check':
      return answer(request.id, () => checkPage(sql(), request.from, request.to));
    case 'close':
      await pool?.end();
      port.close();
  }
});
