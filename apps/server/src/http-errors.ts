import { errorIdOf, internalErrorMessage } from '@auditlog/api';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError, z } from 'zod';

// The HTTP statuses this server answers, named as tRPC names them, so a plain route
// and a procedure refuse in the same words.
const CODE_BY_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  408: 'TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** The body of every refusal from a plain route: `{ error, message, issues? }`. */
export function sendError(
  reply: FastifyReply,
  status: number,
  message: string,
  issues?: z.core.$ZodIssue[],
) {
  return reply
    .code(status)
    .send({ error: CODE_BY_STATUS[status] ?? 'BAD_REQUEST', message, ...(issues && { issues }) });
}

/** A procedure's refusal (or failure) answered from a plain route, in the same shape. */
export function sendTrpcError(app: FastifyInstance, reply: FastifyReply, error: unknown) {
  if (!(error instanceof TRPCError) || error.code === 'INTERNAL_SERVER_ERROR') {
    return sendInternalError(app, reply, error);
  }
  const cause = error.cause;
  return cause instanceof ZodError
    ? sendError(reply, 400, z.prettifyError(cause), cause.issues)
    : sendError(reply, getHTTPStatusCodeFromError(error), error.message);
}

function sendInternalError(app: FastifyInstance, reply: FastifyReply, error: unknown) {
  const errorId = errorIdOf(error instanceof Error ? error : new Error(String(error)));
  app.log.error({ err: error, errorId }, 'unexpected error');
  return reply
    .code(500)
    .send({ error: 'INTERNAL_SERVER_ERROR', message: internalErrorMessage(errorId), errorId });
}

/**
 * One error shape for everything Fastify itself refuses (a body too large, a bad content
 * type, a malformed URL) and for anything a route did not expect: the latter answers a
 * fixed message and an error id, and only the server's log has the details.
 */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) return sendInternalError(app, reply, error);
    return sendError(reply, status, error.message);
  });
}

export function sendNotFound(request: FastifyRequest, reply: FastifyReply) {
  return sendError(reply, 404, `nothing at ${request.method} ${request.url.split('?')[0]}`);
}
