import {
  AccountError,
  InvalidCursorError,
  RetentionBusyError,
  ShuttingDownError,
} from '@auditlog/db';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import { can, type Permission, type Principal, REFUSALS } from './auth/principal';
import type { Context } from './context';
import { errorIdOf, internalErrorMessage } from './errors';

const t = initTRPC.context<Context>().create({
  // Stack traces describe the server's insides; an audit service never hands them out.
  isDev: false,
  // A live tail's connection stays open: a ping every 10 s keeps proxies from cutting it
  // while nothing happens, and a client that hears nothing for 25 s reconnects.
  sse: {
    ping: { enabled: true, intervalMs: 10_000 },
    client: { reconnectAfterInactivityMs: 25_000 },
  },
  errorFormatter({ shape, error }) {
    const { code, httpStatus, path } = shape.data;
    const data = { code, httpStatus, path, issues: null as z.core.$ZodIssue[] | null };
    // An unexpected error's text (a database message, a file path) stays in the log.
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      const errorId = errorIdOf(error);
      return { ...shape, message: internalErrorMessage(errorId), data: { ...data, errorId } };
    }
    // Callers fix bad input from the zod issues: each names the field (path) and why;
    // the message says the same in one readable line.
    const cause = error.cause;
    if (!(cause instanceof ZodError)) return { ...shape, data };
    return {
      ...shape,
      message: z.prettifyError(cause),
      data: { ...data, issues: cause.issues },
    };
  },
});

/** Turns the stores' domain errors into the tRPC codes callers are promised. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof InvalidCursorError) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
    }
    if (cause instanceof AccountError) {
      throw new TRPCError({ code: cause.code, message: cause.message, cause });
    }
    if (cause instanceof RetentionBusyError) {
      throw new TRPCError({ code: 'CONFLICT', message: cause.message, cause });
    }
    if (cause instanceof ShuttingDownError) {
      throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: cause.message, cause });
    }
  }
  return result;
});

export const router = t.router;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;

/** Open to anyone: signing in, and asking who one is. */
export const publicProcedure = t.procedure.use(domainErrors);

/** The caller, refused as UNAUTHORIZED when nobody has signed in or shown a valid key. */
function signedIn(principal: Principal | null): Principal {
  if (!principal) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: REFUSALS.unauthenticated });
  }
  return principal;
}

/**
 * Any signed-in person or valid API key. Only the principal is passed on: tRPC merges it
 * into the context, so the context is not copied here once more.
 */
export const authedProcedure = publicProcedure.use(({ ctx, next }) =>
  next({ ctx: { principal: signedIn(ctx.principal) } }),
);

/**
 * Callers holding `permission`: a role that includes it (admin, auditor) or an API key
 * with that scope. Everyone else gets FORBIDDEN, naming what was missing. One middleware
 * checks both: each level of tRPC's middleware chain copies the call's options and
 * context, once per call.
 */
export const procedureWith = (permission: Permission) =>
  publicProcedure.use(({ ctx, next }) => {
    const principal = signedIn(ctx.principal);
    if (!can(principal, permission)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: REFUSALS.forbidden(permission) });
    }
    return next({ ctx: { principal } });
  });

export const writeProcedure = procedureWith('log:write');
export const readProcedure = procedureWith('log:read');
export const exportProcedure = procedureWith('log:export');
export const adminProcedure = procedureWith('admin');
