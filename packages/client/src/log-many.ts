import type { AppRouter } from '@auditlog/api';
import type { inferRouterOutputs } from '@trpc/server';
import { fetchTransport, nodeTransport } from './transport';

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
 * its status), not through tRPC's client, which serialised every batch a second time: the
 * body is made once, as its batch is sized (see BatchBody). Through the host's `fetch`
 * when it gives one, else node:http (see nodeTransport).
 */
export function logManyRequest(options: {
  url: string;
  apiKey: string;
  fetch?: typeof fetch;
  maxInFlight: number;
}) {
  const endpoint = `${options.url.replace(/\/$/, '')}/trpc/logMany`;
  const headers = {
    authorization: `Bearer ${options.apiKey}`,
    'content-type': 'application/json',
  };
  const transport = options.fetch
    ? fetchTransport(endpoint, headers, options.fetch)
    : nodeTransport(endpoint, headers, options.maxInFlight);
  return {
    async send(body: Uint8Array): Promise<LogManyOutput> {
      const response = await transport.post(body);
      const answer = parsed(response.body);
      if (response.status >= 200 && response.status < 300 && answer?.result) {
        return answer.result.data;
      }
      const seconds = Number(response.retryAfter);
      throw new DeliveryError(
        response.status,
        answer?.error?.message ?? `HTTP ${response.status} ${response.statusText}`,
        Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined,
      );
    },
    close: () => transport.close(),
  };
}

type LogManyAnswer = { result?: { data: LogManyOutput }; error?: { message?: string } };

/** A proxy in between may answer with something other than JSON. */
function parsed(body: string): LogManyAnswer | undefined {
  try {
    return JSON.parse(body) as LogManyAnswer;
  } catch {
    return undefined;
  }
}
