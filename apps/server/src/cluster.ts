import cluster, { type Worker } from 'node:cluster';

const INDEX_VARIABLE = 'AUDITLOG_WORKER_INDEX';
const RESTART_DELAY_MS = 1000;

/** In a worker process, its number (0 to count-1); undefined in a lone server. */
export function workerIndex(): number | undefined {
  return cluster.isWorker ? Number(process.env[INDEX_VARIABLE]) : undefined;
}

/** A worker tells the primary where it listens. */
export function reportListening(address: string): void {
  process.send?.({ listening: address });
}

/**
 * Runs `count` server processes sharing one port (node:cluster: the primary accepts
 * connections and hands them out in turn), which the log's locks in PostgreSQL make
 * safe. A worker that dies is started again; on SIGINT or SIGTERM each worker is told
 * to stop gracefully and the primary exits when all have. Resolves with the address
 * once every worker listens; rejects when one exits before it did (a start-up failure).
 */
export function runWorkers(count: number): Promise<string> {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    );
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);

  return new Promise((resolve, reject) => {
    const listening = new Set<number>();
    const start = (index: number) => {
      const worker = cluster.fork({ [INDEX_VARIABLE]: String(index) });
      let ready = false;
      worker.on('message', (message: { listening?: string }) => {
        if (typeof message?.listening !== 'string') return;
        ready = true;
        listening.add(index);
        if (listening.size === count) resolve(message.listening);
      });
      worker.on('exit', (code, signal) => {
        if (stopping) return;
        if (!ready && listening.size < count) {
          stopping = true;
          for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
          reject(new Error(`server process ${index} exited while starting (${signal ?? code})`));
          return;
        }
        console.error(
          `audit-log: server process ${index} exited (${signal ?? `code ${code}`}); starting it again`,
        );
        setTimeout(() => start(index), RESTART_DELAY_MS);
      });
    };
    for (let i = 0; i < count; i++) start(i);
  });
}
