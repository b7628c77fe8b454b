import type { z } from 'zod';

/** An entry the server would refuse: thrown by logAction at the call site, nothing queued. */
export class AuditInputError extends Error {
  constructor(readonly issues: z.core.$ZodIssue[]) {
    super(
      `invalid audit entry: ${issues.map((i) => `${i.path.join('.') || 'entry'} ${i.message}`).join('; ')}`,
    );
  }
}

/** The queue is full and the client was told to throw (whenFull: 'throw'). */
export class QueueFullError extends Error {
  constructor(limit: number) {
    super(
      `the audit client's queue holds its limit of ${limit} events: the server is not keeping up or is down`,
    );
  }
}

/** The event was not delivered: dropped to make room, refused by the server, or left at close. */
export class NotDeliveredError extends Error {
  constructor(
    readonly reason: 'dropped' | 'refused' | 'closed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
