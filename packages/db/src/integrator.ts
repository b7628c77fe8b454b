import { type CommittedBatch, CommittedEvents } from './committed-events';
import type { Database } from './database';
import { DbWorker } from './db-worker';
import { integrate } from './integrate';

/**
 * Keeps the Merkle tree caught up with the log in the background. Appends ask for
 * integration once they commit and do not wait for it; whatever needs the tree current
 * (a checkpoint, verification, shutdown) awaits `catchUp()`. Requests that arrive while
 * a pass runs are served together by one more pass after it. On PostgreSQL the work runs
 * in a worker thread with its own connection; embedded PGlite lives on the main thread,
 * so there it runs in place.
 */
export class BackgroundIntegrator {
  private running: Promise<number> | undefined;
  private queued: Promise<number> | undefined;
  private worker: DbWorker | undefined;
  /** What this process committed, when integration runs in place. */
  private readonly held = new CommittedEvents();

  constructor(
    private readonly db: Pick<Database, 'raw' | 'url'>,
    private readonly onError: (error: unknown) => void,
  ) {
    this.worker = db.url ? new DbWorker(db.url) : undefined;
  }

  /** Integrates every event committed before the call; resolves with the tree's size. */
  catchUp(): Promise<number> {
    if (!this.running) {
      const pass = this.worker ? this.worker.integrate() : integrate(this.db.raw, this.held);
      this.running = pass.finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => {})
      .then(() => {
        this.queued = undefined;
        return this.catchUp();
      });
    return this.queued;
  }

  /** Hears of events this process committed (before `request`, so they are at hand). */
  committed(batch: CommittedBatch): void {
    if (this.worker) this.worker.committed(batch);
    else this.held.add(batch);
  }

  /** Asks for integration without waiting; a failure is reported and retried next time. */
  request(): void {
    this.catchUp().catch(this.onError);
  }

  /** Catches up a last time, then stops the worker; later catch-ups run in place. */
  async close(): Promise<void> {
    await this.catchUp().catch(this.onError);
    const worker = this.worker;
    this.worker = undefined;
    await worker?.close();
  }
}
