import { randomUUID } from 'node:crypto';
import { type AuditClient, auditFastify, authEvents } from '@auditlog/client';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyRequest } from 'fastify';
import type { HostPrisma } from './database';
import { createJobQueue } from './jobs';
import { createRouter, hashPassword, type Session } from './router';

/**
 * The host application: sign-in and sign-out (recorded by the auth helpers), its tRPC
 * API (recorded by the tRPC middleware), data changes (recorded by the outbox trigger
 * with the actor the Prisma extension hands it), and a background job that keeps its
 * actor. Sessions are bearer tokens kept in memory: enough for an example.
 */
export async function buildHostApp(audit: AuditClient, prisma: HostPrisma) {
  const sessions = new Map<string, Session>();
  const userOf = (req: FastifyRequest) =>
    sessions.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
  const auth = authEvents(audit);
  const jobs = createJobQueue({
    async report({ customer }) {
      const invoices = await prisma.invoice.count({ where: { customer } });
      await audit.logAction({
        action: 'report.completed',
        resourceType: 'customer',
        resourceId: customer,
        metadata: { invoices },
      });
    },
  });

  const app = Fastify();
  // Plain routes are recorded here; /trpc by the tRPC middleware, per procedure.
  auditFastify(app, audit, { actor: userOf, skip: (_method, route) => route.startsWith('/trpc') });
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: createRouter(audit),
      createContext: ({ req }: { req: FastifyRequest }) => ({
        user: userOf(req),
        req: req.raw,
        prisma,
        jobs,
      }),
    },
  });

  app.post<{ Body: { email: string; password: string } }>('/login', async (req, reply) => {
    const user = await prisma.user.findUnique({ where: { email: req.body.email } });
    if (!user || user.passwordHash !== hashPassword(req.body.password)) {
      await auth.signInFailed(req.raw, {
        email: req.body.email,
        reason: 'wrong email or password',
      });
      return reply.code(401).send({ error: 'wrong email or password' });
    }
    const token = randomUUID();
    sessions.set(token, { id: user.id, email: user.email });
    await auth.signedIn(req.raw, { id: user.id, email: user.email }, { method: 'password' });
    return { token };
  });

  app.post('/logout', async (req) => {
    const session = userOf(req);
    if (session) {
      sessions.delete((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      await auth.signedOut(req.raw, session);
    }
    return { ok: true };
  });

  return { app, jobs };
}
