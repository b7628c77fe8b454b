import { type Caller, createCaller, createContext, type Services } from '@auditlog/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from './auth-hooks';

export type CallerFor = (
  request: FastifyRequest,
  reply: FastifyReply,
) => ReturnType<typeof createCaller>;

/** Who is calling and how to set their cookie: the same for tRPC and the plain routes. */
export function callerOf(
  request: FastifyRequest,
  reply: FastifyReply,
  cookieSecure: boolean,
): Caller {
  return {
    principal: request.principal,
    cookie: {
      set: (token, expiresAt) =>
        reply.setCookie(SESSION_COOKIE, token, {
          httpOnly: true,
          sameSite: 'strict',
          secure: cookieSecure,
          path: '/',
          expires: expiresAt,
        }),
      clear: () => reply.clearCookie(SESSION_COOKIE, { path: '/' }),
    },
    ip: request.ip,
    userAgent: request.headers['user-agent'],
  };
}

/** A server-side caller of the API as the requester: plain routes go through it. */
export function callerFactory(services: Services, cookieSecure: boolean): CallerFor {
  return (request, reply) =>
    createCaller(createContext(services, callerOf(request, reply, cookieSecure)));
}
