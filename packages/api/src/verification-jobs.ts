import { randomUUID } from 'node:crypto';
import type { VerificationResult } from '@auditlog/db';

export interface VerificationJob {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  checked: number;
  total: number;
  result: VerificationResult | null;
  error: string | null;
}

type Run = (onProgress: (checked: number, total: number) => void) => Promise<VerificationResult>;

// A verification that finished this recently answers whoever asks next, so callers
// cannot keep the database busy verifying back to back.
const REUSE_FINISHED_MS = 10_000;

/**
 * Verifications take seconds to minutes on a large log, longer than a request should
 * wait: they run in the background and callers poll their progress. One runs at a time,
 * shared by everyone: asking while it runs, or within seconds of its end, returns it.
 */
export class VerificationJobs {
  private readonly jobs = new Map<string, VerificationJob>();
  private running: VerificationJob | undefined;
  private latest: VerificationJob | undefined;

  start(run: Run, onFinished: (job: VerificationJob) => Promise<void>): VerificationJob {
    if (this.running) return this.running;
    const finishedAt = Date.parse(this.latest?.finishedAt ?? '');
    if (this.latest && Date.now() - finishedAt < REUSE_FINISHED_MS) return this.latest;
    const job: VerificationJob = {
      id: randomUUID(),
      startedAt: new Date().toISOString(),
      finishedAt: null,
      checked: 0,
      total: 0,
      result: null,
      error: null,
    };
    this.jobs.set(job.id, job);
    this.running = job;
    this.latest = job;
    void run((checked, total) => {
      job.checked = checked;
      job.total = total;
    })
      .then(
        (result) => {
          job.result = result;
          job.checked = result.checked;
          job.total = result.treeSize;
        },
        (error: unknown) => {
          job.error = error instanceof Error ? error.message : String(error);
        },
      )
      .finally(async () => {
        job.finishedAt = new Date().toISOString();
        this.running = undefined;
        await onFinished(job).catch(() => {});
      });
    return job;
  }

  get(id: string): VerificationJob | undefined {
    return this.jobs.get(id);
  }

  /** Resolves when no verification is running (for orderly shutdown). */
  async idle(): Promise<void> {
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
