import type { AuditEntry, AuditEntryInput } from '@auditlog/audit';
import type { NotDeliveredError } from './errors';
import type { RedactOptions } from './redact';

/**
 * What happens to a new event when `maxQueue` events already wait for the server:
 * - `block`: it waits for room, and logAction's promise settles only once it is
 *   delivered. A caller that awaits each call is held back (a request handler slows down
 *   rather than losing its event); a caller that does not await is not, so bound those.
 * - `drop-oldest`: the oldest waiting event is dropped (its promise rejects, onNotDelivered
 *   hears of it, stats.dropped counts it) to make room.
 * - `throw`: logAction throws QueueFullError and the new event is not taken.
 */
export type WhenFull = 'block' | 'drop-oldest' | 'throw';

export interface AuditClientOptions {
  /** The audit server, e.g. `https://audit.internal:3000`. */
  url: string;
  /** An API key holding log:write. */
  apiKey: string;
  /** Events per request (logMany), at most 1,000. Default 500. */
  maxBatch?: number;
  /** Requests under way at once. Default 2. */
  maxInFlight?: number;
  /**
   * How long events nobody awaits wait for more before a batch smaller than maxBatch is
   * sent. Default 50 ms: a busy app's fire-and-forget events share a request, which costs
   * it far less CPU than a request each. An event someone awaits goes at the event loop's
   * next turn, with whatever is queued by then; events arriving while every slot is busy
   * form the next batch.
   */
  lingerMs?: number;
  /** Events held awaiting delivery (queued and sending). Default 10,000. */
  maxQueue?: number;
  whenFull?: WhenFull;
  /** Backoff between retries: full jitter over base·2^attempt, capped. Defaults 100 ms, 10 s. */
  retry?: { baseMs?: number; maxMs?: number };
  /** Keys to mask in metadata and changes, beside the defaults (see redact). */
  redact?: RedactOptions;
  /** Hears of every event that will not be delivered, and why. */
  onNotDelivered?: (entry: AuditEntry, error: NotDeliveredError) => void;
  /** Sends through this fetch rather than node:http (a runtime without it; tests). */
  fetch?: typeof fetch;
}

/** An event as the caller gives it: the actor and request fields may come from the context. */
export type LogInput = Omit<AuditEntryInput, 'actorId' | 'actorEmail'> & {
  actorId?: string;
  actorEmail?: string;
};

/** What the server answered for a delivered event. */
export interface Delivery {
  id: string;
  seq: number;
  createdAt: string;
  /** The server had it already (a retry of a delivered event). */
  duplicate: boolean;
}

export interface AuditClientStats {
  /** Waiting to be sent (including those waiting for room, under `block`). */
  queued: number;
  /** In requests under way. */
  sending: number;
  delivered: number;
  /** Dropped to make room (`drop-oldest`). */
  dropped: number;
  /** Refused by the server (a 4xx: a bad key, or an entry it would not take). */
  refused: number;
  /** Still undelivered when close() gave up. */
  abandoned: number;
  /** Requests retried after a network error, 408, 429 or 5xx. */
  retries: number;
  /** logMany requests made (retries included). */
  requests: number;
}
