import type { RawSql } from '../raw-sql';
import { DbWorker } from './db-worker';
import { integrate } from './integration-pass';

/**
 * How long an event may wait for the tree at most, besides the pass itself. Fewer,
 * larger passes disturb concurrent appends less: measured with one busy caller on 2
 * cores, appends lost 4-12% of their throughput to passes every 100 ms, 2-5% at 250 ms,
 * and no less at 500 ms (measured as bench/integrity.bench.ts does, at each setting).
 */
const INTEGRATION_DELAY_MS = 250;

/**
 * Keeps the Merkle tree caught up with the log in the background. Appends ask for
 * integration once they commit and do not wait for it; whatever needs the tree current
 * (a checkpoint, verification, shutdown) awaits `catchUp()`. Requests that arrive while
 * a pass runs are served together by one more pass after it. PostgreSQL hashes the
 * events; folding them into the tree runs, on PostgreSQL, in a worker thread with its own
 * connection, and in place beside embedded PGlite (which lives on the main thread).
 */
export class BackgroundIntegrator {
  private running: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private queued: Promise<number> | undefined;
  private worker: DbWorker | undefined;
  /** Why the last pass failed, until one succeeds: meanwhile the tree does not grow. */
  failure: string | undefined;

  constructor(
    private readonly db: { raw: RawSql; url?: string },
    private readonly onError: (error: unknown) => void,
  ) {
    this.worker = db.url ? new DbWorker(db.url) : undefined;
  }

  /** Integrates every event committed before the call; resolves with the tree's size. */
  catchUp(): Promise<number> {
    if (!this.running) {
      const pass = this.worker ? this.worker.integrate() : integrate(this.db.raw);
      this.running = pass
        .then(
          (size) => {
            this.failure = undefined;
            return size;
          },
          (error: unknown) => {
            this.failure = error instanceof Error ? error.message : String(error);
            throw error;
          },
        )
        .finally(() => {
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

  /**
   * Asks for integration soon, without waiting: requests within INTEGRATION_DELAY_MS
   * share one pass, which spares a transaction per append under load. A failure is
   * reported and retried by the next request.
   */
  request(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.catchUp().catch(this.onError);
    }, INTEGRATION_DELAY_MS);
    // A pending pass does not keep the process alive: close() or the next start does it.
    this.timer.unref();
  }

  /** Catches up a last time, then stops the worker; later catch-ups run in place. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.catchUp().catch(this.onError);
    const worker = this.worker;
    this.worker = undefined;
    await worker?.close();
  }
}
