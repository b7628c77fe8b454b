import { createHash, randomUUID } from 'node:crypto';
import {
  type AuditClient,
  auditTrpcMiddleware,
  type NodeRequest,
  nodeRequestInfo,
} from '@auditlog/client';
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { HostPrisma } from './database';
import type { JobQueue } from './jobs';

export interface Session {
  id: string;
  email: string;
}

export interface HostContext {
  user: Session | undefined;
  req: NodeRequest;
  prisma: HostPrisma;
  jobs: JobQueue;
}

// A demo password hash; a real app would use argon2 or scrypt.
export const hashPassword = (password: string) =>
  createHash('sha256').update(password).digest('hex');

/** The host's tRPC API: every mutation recorded by the audit middleware. */
export function createRouter(audit: AuditClient) {
  const t = initTRPC.context<HostContext>().create();
  const audited = t.procedure.use(
    auditTrpcMiddleware<HostContext>(audit, {
      actor: (ctx) => ctx.user,
      request: (ctx) => nodeRequestInfo(ctx.req),
    }),
  );
  const signedIn = audited.use(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED' });
    return next({ ctx: { ...ctx, user: ctx.user } });
  });

  return t.router({
    invoice: t.router({
      create: signedIn
        .input(
          z.object({
            number: z.string(),
            customer: z.string(),
            amountCents: z.number().int(),
            cardNumber: z.string().optional(),
          }),
        )
        .mutation(({ ctx, input }) =>
          ctx.prisma.invoice.create({ data: { id: `inv_${randomUUID()}`, ...input } }),
        ),
      refund: signedIn.input(z.object({ id: z.string() })).mutation(async ({ ctx, input }) => {
        const invoice = await ctx.prisma.invoice.findUniqueOrThrow({ where: { id: input.id } });
        if (invoice.status === 'refunded') {
          throw new TRPCError({ code: 'CONFLICT', message: 'this invoice was refunded already' });
        }
        return ctx.prisma.invoice.update({ where: { id: input.id }, data: { status: 'refunded' } });
      }),
      /** One updateMany: the outbox records one event per invoice it changes. */
      markAllPaid: signedIn
        .input(z.object({ customer: z.string() }))
        .mutation(async ({ ctx, input }) => {
          const { count } = await ctx.prisma.invoice.updateMany({
            where: { customer: input.customer, status: 'draft' },
            data: { status: 'paid' },
          });
          return { count };
        }),
      list: signedIn
        .input(z.object({ customer: z.string() }))
        .query(({ ctx, input }) =>
          ctx.prisma.invoice.findMany({ where: { customer: input.customer } }),
        ),
    }),
    user: t.router({
      changePassword: signedIn
        .input(z.object({ password: z.string().min(8) }))
        .mutation(async ({ ctx, input }) => {
          await ctx.prisma.user.update({
            where: { id: ctx.user.id },
            data: { passwordHash: hashPassword(input.password) },
          });
          return { changed: true };
        }),
    }),
    report: t.router({
      /** Queued: the report is made later by a worker, still in the requester's name. */
      generate: signedIn.input(z.object({ customer: z.string() })).mutation(({ ctx, input }) => {
        ctx.jobs.enqueue('report', { customer: input.customer });
        return { queued: true };
      }),
    }),
  });
}

export type HostRouter = ReturnType<typeof createRouter>;
