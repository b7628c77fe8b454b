interface Submission<I, O> {
  items: I[];
  resolve(results: O[]): void;
  reject(error: unknown): void;
}

export class ShuttingDownError extends Error {
  constructor() {
    super('the audit log is shutting down and accepts no new events');
  }
}

/**
 * Group commit: callers submit events concurrently; while one transaction is being
 * written, the next submissions queue up and are written together in the following one.
 * Under load this turns many small transactions into a few large ones; with a single
 * caller it adds no waiting at all. A caller's promise settles only after its events are
 * committed, so a resolved promise means the events are durable.
 */
export class GroupCommitter<I, O> {
  private queue: Submission<I, O>[] = [];
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly maxBatch: number,
  ) {}

  submit(items: I[]): Promise<O[]> {
    if (this.closed) return Promise.reject(new ShuttingDownError());
    if (items.length === 0) return Promise.resolve([]);
    const result = new Promise<O[]>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
    });
    this.running ??= this.run();
    return result;
  }

  /** Stops taking submissions and waits until every accepted one is written. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.takeBatch();
      try {
        await this.writeBatch(batch);
      } catch (error) {
        if (batch.length === 1) {
          batch[0]?.reject(error);
          continue;
        }
        // One bad submission must not fail the others it happened to share a
        // transaction with: write each alone so only the faulty one gets the error.
        for (const submission of batch) {
          await this.writeBatch([submission]).catch((e: unknown) => submission.reject(e));
        }
      }
      // Let the callers just answered submit their next events (each may be several
      // promise hops away) so that they join the next batch instead of trailing it in
      // one of their own: this halved the number of transactions under 16 writers.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.running = undefined;
  }

  private takeBatch(): Submission<I, O>[] {
    const batch: Submission<I, O>[] = [];
    let size = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Submission<I, O>;
      if (batch.length > 0 && size + next.items.length > this.maxBatch) break;
      batch.push(next);
      size += next.items.length;
      this.queue.shift();
    }
    return batch;
  }

  private async writeBatch(batch: Submission<I, O>[]): Promise<void> {
    const results = await this.write(batch.flatMap((s) => s.items));
    let offset = 0;
    for (const submission of batch) {
      submission.resolve(results.slice(offset, offset + submission.items.length));
      offset += submission.items.length;
    }
  }
}
