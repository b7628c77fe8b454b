import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export type WorkerRequest = { kind: 'integrate'; id: number } | { kind: 'close' };

type Reply = { id: number; result: unknown } | { id: number; error: string };

export class WorkerError extends Error {}

// From the built server (apps/server/dist) the worker's entry is JavaScript beside the
// bundle. From source it is TypeScript, and a worker thread inherits no loader from its
// parent (tsx, vitest): it imports its entry through tsx's API. (Node 20 ignores --import
// in a worker's execArgv; require.resolve would pick the API's CommonJS build, the ESM one
// is wanted.)
function workerBootstrap(): string {
  if (!import.meta.url.endsWith('.ts')) {
    const entry = new URL('./db-worker-main.js', import.meta.url).href;
    return `import(${JSON.stringify(entry)})`;
  }
  const tsxApi = new URL(
    'dist/esm/api/index.mjs',
    pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json')),
  ).href;
  const entry = new URL('./db-worker-main.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) =>
  tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
}

/**
 * A worker thread with a PostgreSQL connection of its own that integrates committed
 * events into the tree, beside the main thread rather than in it. Started on first use;
 * an idle one does not keep the process alive.
 */
export class DbWorker {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<
    number,
    { resolve(value: unknown): void; reject(error: Error): void }
  >();

  constructor(private readonly url: string) {}

  /** Catches the tree up; resolves with its size. */
  integrate(): Promise<number> {
    return this.ask((id) => ({ kind: 'integrate', id })) as Promise<number>;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    // Awaited like any answer: an unref'd worker let a process whose last task was this
    // close() end mid-await (exit code 13, the bench's "hashing into the tree" deaths).
    worker.ref();
    worker.postMessage({ kind: 'close' } satisfies WorkerRequest);
    await exited;
  }

  private ask(request: (id: number) => WorkerRequest): Promise<unknown> {
    const id = this.nextId++;
    const answer = new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.post(request(id));
    // Awaited work keeps the process alive; an idle worker does not.
    this.worker?.ref();
    return answer;
  }

  private post(request: WorkerRequest): void {
    if (!this.worker) {
      const worker = new Worker(workerBootstrap(), { eval: true, workerData: { url: this.url } });
      worker.on('message', (reply: Reply) => {
        const waiter = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        if (this.waiting.size === 0) worker.unref();
        if ('error' in reply) waiter?.reject(new WorkerError(reply.error));
        else waiter?.resolve(reply.result);
      });
      // A worker that crashed or stopped answers nothing more: fail what waits for it,
      // and start afresh next time.
      const lost = (error: Error) => {
        if (this.worker === worker) this.worker = undefined;
        for (const waiter of this.waiting.values()) waiter.reject(error);
        this.waiting.clear();
      };
      worker.on('error', lost);
      worker.on('exit', (code) => lost(new WorkerError(`the worker thread stopped (${code})`)));
      worker.unref();
      this.worker = worker;
    }
    this.worker.postMessage(request);
  }
}
