import { InvalidCursorError, ShuttingDownError } from '@auditlog/db';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import type { Context } from './context';

const t = initTRPC.context<Context>().create({
  // Stack traces describe the server's insides; an audit service never hands them out.
  isDev: false,
  errorFormatter({ shape, error }) {
    // Callers fix bad input from the zod issues: each names the field (path) and why;
    // the message says the same in one readable line.
    const cause = error.cause;
    if (!(cause instanceof ZodError)) return { ...shape, data: { ...shape.data, zodIssues: null } };
    return {
      ...shape,
      message: z.prettifyError(cause),
      data: { ...shape.data, zodIssues: cause.issues },
    };
  },
});

/** Turns the store's domain errors into the tRPC codes callers are promised. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof InvalidCursorError) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
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

/** Open to any caller; access control arrives with accounts and API keys. */
export const publicProcedure = t.procedure.use(domainErrors);
