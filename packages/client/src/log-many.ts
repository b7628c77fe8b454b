import type { AppRouter } from '@auditlog/api';
import type { inferRouterOutputs } from '@trpc/server';

/** What logMany answers: a delivery for each event, in the order sent. */
export type LogManyOutput = inferRouterOutputs<AppRouter>['logMany'];

/** A logMany request the server answered with an error status. */
export class DeliveryError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** How long the server asked the client to wait (Retry-After), when it said. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

/**
 * Posts batches to the server's `logMany` procedure as tRPC's HTTP protocol has them (the
 * input as the JSON body, the answer under `result.data`, an error under `error` with
 * its status), with fetch rather than through tRPC's client. The body is made once, as
 * its batch is sized (see BatchBody); through tRPC's client every batch was serialised a
 * second time.
 */
export function logManyRequest(options: { url: string; apiKey: string; fetch?: typeof fetch }) {
  const endpoint = `${options.url.replace(/\/$/, '')}/trpc/logMany`;
  const headers = {
    authorization: `Bearer ${options.apiKey}`,
    'content-type': 'application/json',
  };
  const post = options.fetch ?? fetch;
  return async (body: Uint8Array): Promise<LogManyOutput> => {
    const response = await post(endpoint, { method: 'POST', headers, body });
    // A proxy in between may answer with something other than JSON.
    const answer = (await response.json().catch(() => undefined)) as
      | { result?: { data: LogManyOutput }; error?: { message?: string } }
      | undefined;
    if (response.ok && answer?.result) return answer.result.data;
    const seconds = Number(response.headers.get('retry-after'));
    throw new DeliveryError(
      response.status,
      answer?.error?.message ?? `HTTP ${response.status} ${response.statusText}`,
      Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined,
    );
  };
}
