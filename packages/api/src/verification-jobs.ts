import type { VerificationResult, VerificationRun, VerificationRuns } from '@auditlog/db';

export type VerificationJob = VerificationRun;

type Run = (onProgress: (checked: number, total: number) => void) => Promise<VerificationResult>;

// Progress is written at most this often, and at least this often as a heartbeat (which
// tells other processes the run is alive: see HEARTBEAT_STALE_MS).
const PROGRESS_EVERY_MS = 1000;
const HEARTBEAT_EVERY_MS = 10_000;

/**
 * Verifications take seconds to minutes on a large log, longer than a request should
 * wait: they run in the background and callers poll their progress. One runs at a time,
 * shared by everyone on the database (every server process): asking while it runs, or
 * within seconds of its end, returns it.
 */
export class VerificationJobs {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly runs: VerificationRuns) {}

  async start(
    run: Run,
    onFinished: (job: VerificationJob) => Promise<void>,
  ): Promise<VerificationJob> {
    const { run: job, isNew } = await this.runs.begin();
    if (isNew) {
      const done = this.execute(job.id, run, onFinished);
      this.running.add(done);
      void done.finally(() => this.running.delete(done));
    }
    return job;
  }

  get(id: string): Promise<VerificationJob | null> {
    return this.runs.get(id);
  }

  /** Resolves when no verification started here is running (for orderly shutdown). */
  async idle(): Promise<void> {
    await Promise.all(this.running);
  }

  private async execute(
    id: string,
    run: Run,
    onFinished: (job: VerificationJob) => Promise<void>,
  ): Promise<void> {
    let checked = 0;
    let total = 0;
    let written = 0;
    const write = () => {
      written = Date.now();
      this.runs.progress(id, checked, total).catch(() => {});
    };
    const heartbeat = setInterval(write, HEARTBEAT_EVERY_MS);
    try {
      const outcome = await run((c, t) => {
        checked = c;
        total = t;
        if (Date.now() - written >= PROGRESS_EVERY_MS) write();
      }).then(
        (result) => ({ result }),
        (error: unknown) => ({
          error: error instanceof Error ? error.message : String(error),
          checked,
          total,
        }),
      );
      await onFinished(await this.runs.finish(id, outcome));
    } catch {
      // The database failed under the run: it stops renewing its heartbeat, and pollers
      // are told it was interrupted.
    } finally {
      clearInterval(heartbeat);
    }
  }
}
