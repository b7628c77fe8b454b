import { DeliveryError } from './log-many';

/** The HTTP status of a failed call, or undefined when no answer came (a network error). */
export function statusOf(error: unknown): number | undefined {
  return error instanceof DeliveryError ? error.status : undefined;
}

/**
 * Whether a failed delivery is worth retrying: no answer at all (the server is down or
 * restarting), 408, 429 or a 5xx. A 4xx says the request itself is wrong; sending it again
 * would be refused again.
 */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/** How long the server asked to wait (Retry-After), if it said. */
export function retryAfterMs(error: unknown): number | undefined {
  return error instanceof DeliveryError ? error.retryAfterMs : undefined;
}

/**
 * Exponential backoff with full jitter (AWS's "Exponential Backoff and Jitter"): many
 * clients coming back after an outage spread out instead of arriving together.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.random() * Math.min(maxMs, baseMs * 2 ** attempt);
}
