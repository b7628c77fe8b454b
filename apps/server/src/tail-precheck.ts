import type { FastifyInstance } from 'fastify';
import { sendError, sendTrpcError } from './http-errors';
import type { CallerFor } from './request-context';

/**
 * A live tail is a stream of Server-Sent Events, and once it is open tRPC can only report
 * a refusal inside it, under HTTP 200. This asks the procedure first (credentials, scope,
 * input) without starting the stream, so a refused tail gets its status (401, 403, 400)
 * and nothing opens.
 */
export function registerTailPrecheck(app: FastifyInstance, callerFor: CallerFor): void {
  app.addHook('onRequest', async (request, reply) => {
    if ((request.url.split('?', 1)[0] ?? '') !== '/trpc/tail') return;
    const raw = (request.query as Record<string, string | undefined>).input;
    let input: unknown;
    try {
      input = raw === undefined ? undefined : JSON.parse(raw);
    } catch {
      return sendError(reply, 400, 'the input is not JSON');
    }
    try {
      const stream = await callerFor(request, reply).tail(input as never);
      await stream[Symbol.asyncIterator]().return?.(undefined);
    } catch (error) {
      return sendTrpcError(app, reply, error);
    }
  });
}
