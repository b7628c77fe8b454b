import type { Credentials, Principal } from '@auditlog/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendError } from './http-errors';

export const SESSION_COOKIE = 'audit_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Identifies every request once: an API key in `Authorization: Bearer`, else the session
 * cookie. Then refuses cross-site writes: a browser always sends Origin on a POST, and a
 * cookie must never let another site act (or sign in) on the user's behalf.
 */
export function registerAuthHooks(app: FastifyInstance, credentials: Credentials): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (
      !SAFE_METHODS.has(request.method) &&
      origin !== undefined &&
      origin !== ownOrigin(request)
    ) {
      return sendError(reply, 403, 'cross-site request refused');
    }
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer) {
      request.principal = await credentials.fromApiKey(bearer.trim());
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (token) request.principal = await credentials.fromSession(token);
  });
}

function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
