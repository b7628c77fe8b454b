import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CommittedBatch } from './committed-events';
import { IntegrationError } from './integrate';

// The worker's source is TypeScript, like the rest of this package, and a worker thread
// inherits no loader from its parent (tsx, vitest): it imports its entry through tsx's
// API. (Node 20 ignores --import in a worker's execArgv.)
// (require.resolve would pick the export's CommonJS build; the ESM one is wanted.)
const TSX_API = new URL(
  'dist/esm/api/index.mjs',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json')),
).href;
const ENTRY = new URL('./integrate-worker.ts', import.meta.url).href;
const BOOTSTRAP = `import(${JSON.stringify(TSX_API)}).then(({ tsImport }) =>
  tsImport(${JSON.stringify(ENTRY)}, ${JSON.stringify(ENTRY)}))`;

/** A worker thread running `integrate()` against PostgreSQL; one catch-up at a time. */
export class IntegrationWorker {
  private worker: Worker | undefined;

  constructor(private readonly url: string) {}

  /** Hands the worker events just committed, to hash without reading them back. */
  add(batch: CommittedBatch): void {
    this.start().postMessage(batch);
  }

  /** Asks the worker to catch up; resolves with the tree's size. */
  integrate(): Promise<number> {
    const worker = this.start();
    return new Promise((resolve, reject) => {
      const settle = (reply: { size: number } | { error: string }) => {
        worker.off('error', fail);
        if ('size' in reply) resolve(reply.size);
        else reject(new IntegrationError(reply.error));
      };
      const fail = (error: Error) => {
        worker.off('message', settle);
        this.worker = undefined;
        reject(error);
      };
      worker.once('message', settle);
      worker.once('error', fail);
      worker.postMessage('integrate');
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('close');
    await exited;
  }

  private start(): Worker {
    if (!this.worker) {
      this.worker = new Worker(BOOTSTRAP, { eval: true, workerData: { url: this.url } });
      // An idle worker does not keep the process alive.
      this.worker.unref();
    }
    return this.worker;
  }
}
