import { apiKeyPrincipal, type Principal, sessionPrincipal } from '@auditlog/api';
import type { PrismaClient } from '@auditlog/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

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
export function registerAuthHooks(app: FastifyInstance, prisma: PrismaClient): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (
      !SAFE_METHODS.has(request.method) &&
      origin !== undefined &&
      origin !== ownOrigin(request)
    ) {
      return reply.code(403).send({ error: 'FORBIDDEN', message: 'cross-site request refused' });
    }
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer) {
      request.principal = await apiKeyPrincipal(prisma, bearer.trim());
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (token) request.principal = await sessionPrincipal(prisma, token);
  });
}

function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** For plain HTTP routes: 401 without credentials, 403 without the permission. */
export function refuse(reply: FastifyReply, principal: Principal | null, allowed: boolean) {
  if (!principal)
    return reply.code(401).send({ error: 'UNAUTHORIZED', message: 'sign in or send an API key' });
  if (!allowed)
    return reply.code(403).send({ error: 'FORBIDDEN', message: 'you may not download this' });
  return undefined;
}
