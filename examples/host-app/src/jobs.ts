import { type AuditContext, captureAuditContext, withAuditContext } from '@auditlog/client';

type Handler = (payload: Record<string, string>) => Promise<void>;

/**
 * A background queue, as the app would use BullMQ or pg-boss: a job is stored with the
 * audit context of whoever enqueued it and runs later under it, so what it records names
 * that person, not the worker.
 */
export function createJobQueue(handlers: Record<string, Handler>) {
  const running = new Set<Promise<void>>();
  return {
    enqueue(name: string, payload: Record<string, string>) {
      const job: { context: AuditContext; payload: Record<string, string> } = {
        context: captureAuditContext(),
        payload,
      };
      // Picked up later by a worker, outside the request that enqueued it.
      setTimeout(() => {
        const run = withAuditContext(job.context, () => handlers[name]?.(job.payload))
          ?.catch((error: unknown) => console.error(`job ${name} failed:`, error))
          .finally(() => running.delete(run as Promise<void>));
        if (run) running.add(run);
      }, 20);
    },
    /** Waits for the jobs under way (tests, shutdown). */
    async idle() {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await Promise.all(running);
    },
  };
}

export type JobQueue = ReturnType<typeof createJobQueue>;
