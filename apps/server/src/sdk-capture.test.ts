import type { AuditEvent } from '@auditlog/audit';
import {
  type AuditClient,
  auditExpress,
  auditFastify,
  auditTrpcMiddleware,
  authEvents,
  createAuditClient,
  nodeRequestInfo,
  setAuditActor,
  withAudit,
} from '@auditlog/client';
import { createTestDatabase, type TestDatabase, testSql } from '@auditlog/db/testing';
import { initTRPC, TRPCError } from '@trpc/server';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from './app';
import { bearerWith, testServices } from './test-services';

/**
 * The capture helpers in host applications of each kind (a tRPC router, Fastify, Express,
 * a fetch handler), recording into the real audit server over HTTP.
 */
describe('capture helpers in a host application', () => {
  let db: TestDatabase;
  let services: ReturnType<typeof testServices>;
  let audit: Awaited<ReturnType<typeof buildApp>>;
  let sdk: AuditClient;

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    services = testServices(db);
    audit = await buildApp({ services: services.services });
    const url = await audit.listen({ host: '127.0.0.1', port: 0 });
    const { authorization } = await bearerWith(services.accounts, ['log:write']);
    sdk = createAuditClient({ url, apiKey: authorization.slice(7) });
  });
  afterAll(async () => {
    await sdk.close({ timeoutMs: 1000 });
    await audit.close();
    await services.store.close();
    await db.drop();
  });

  const eventsOf = async (actor: string): Promise<AuditEvent[]> => {
    await sdk.flush();
    return (await services.store.query({ actor }, { limit: 50, order: 'oldest' })).events;
  };

  it('tRPC: records mutations with actor, input (secrets masked) and outcome; queries only when asked', async () => {
    type Ctx = { user?: { id: string; email: string }; req: Parameters<typeof nodeRequestInfo>[0] };
    const t = initTRPC.context<Ctx>().create();
    const audited = t.procedure.use(
      auditTrpcMiddleware<Ctx>(sdk, {
        actor: (ctx) => ctx.user,
        request: (ctx) => nodeRequestInfo(ctx.req),
        durable: true,
      }),
    );
    const router = t.router({
      billing: t.router({
        invoice: t.router({
          refund: audited
            .input(z.object({ id: z.string(), reason: z.string(), cardNumber: z.string() }))
            .mutation(async ({ input }) => {
              // What the procedure logs itself names the same actor and request.
              await sdk.logAction({
                action: 'ledger.entry_reversed',
                metadata: { invoice: input.id },
              });
              return { refunded: true };
            }),
          get: audited.input(z.object({ id: z.string() })).query(({ input }) => input),
          void: audited.input(z.object({ id: z.string() })).mutation(() => {
            throw new TRPCError({ code: 'FORBIDDEN', message: 'not yours' });
          }),
        }),
      }),
    });
    const caller = t.createCallerFactory(router)({
      user: { id: 'trpc-host-user', email: 'host@example.com' },
      req: {
        headers: { 'user-agent': 'host-agent', 'x-request-id': 'req-77' },
        socket: { remoteAddress: '198.51.100.4' },
      },
    });
    await caller.billing.invoice.refund({
      id: 'inv_1',
      reason: 'duplicate',
      cardNumber: '4242 4242 4242 4242',
    });
    await caller.billing.invoice.get({ id: 'inv_1' });
    await expect(caller.billing.invoice.void({ id: 'inv_2' })).rejects.toThrow('not yours');

    const events = await eventsOf('trpc-host-user');
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ['ledger.entry_reversed', 'success'],
      ['invoice.refunded', 'success'],
      ['invoice.voided', 'failure'],
    ]);
    const [inner, refunded, voided] = events;
    expect(refunded).toMatchObject({
      actorEmail: 'host@example.com',
      resourceType: 'invoice',
      resourceId: 'inv_1',
      ip: '198.51.100.4',
      userAgent: 'host-agent',
      requestId: 'req-77',
      metadata: {
        procedure: 'billing.invoice.refund',
        input: { id: 'inv_1', reason: 'duplicate', cardNumber: '[redacted]' },
      },
    });
    expect(inner).toMatchObject({ requestId: 'req-77', ip: '198.51.100.4' });
    expect(voided?.metadata).toMatchObject({ error: 'FORBIDDEN' });
    const raw = await testSql<{ row: string }>(
      db,
      `SELECT row_to_json(a)::text AS row FROM "AuditLog" a`,
    );
    expect(raw.map((r) => r.row).join()).not.toContain('4242');
  });

  it('Fastify: records changes by route with the status, and the actor found by auth', async () => {
    const host = Fastify();
    auditFastify(host, sdk, { durable: true });
    host.post('/invoices', async (_req, reply) => {
      // Authentication ran inside the request and found who it is.
      setAuditActor({ id: 'fastify-host-user', email: 'f@example.com' });
      return reply.code(201).send({ id: 'inv_9' });
    });
    host.get('/invoices/:id', async () => ({ ok: true }));
    host.delete('/invoices/:id', async (_req, reply) => {
      setAuditActor({ id: 'fastify-host-user' });
      return reply.code(403).send({ error: 'no' });
    });
    await host.inject({ method: 'POST', url: '/invoices', headers: { 'user-agent': 'curl/8' } });
    await host.inject({ method: 'GET', url: '/invoices/inv_9' });
    await host.inject({ method: 'DELETE', url: '/invoices/inv_9' });
    await host.close();
    const events = await eventsOf('fastify-host-user');
    expect(events.map((e) => [e.action, e.outcome, e.metadata?.status])).toEqual([
      ['invoice.created', 'success', 201],
      ['invoice.deleted', 'failure', 403],
    ]);
    expect(events[0]).toMatchObject({ userAgent: 'curl/8', metadata: { route: '/invoices' } });
  });

  it('Express: takes the client address through a trusted proxy, as the audit server does', async () => {
    const host = express();
    host.use(
      auditExpress(sdk, {
        trustProxyHops: 1,
        actor: (req) => ({ id: String(req.headers['x-user']), type: 'service' }),
        durable: true,
      }),
    );
    host.post('/invoices/:id/refund', (_req, res) => {
      res.status(200).json({ ok: true });
    });
    const server = host.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    await fetch(`http://127.0.0.1:${port}/invoices/inv_3/refund`, {
      method: 'POST',
      headers: { 'x-user': 'express-host-svc', 'x-forwarded-for': '203.0.113.50, 192.0.2.9' },
    });
    await new Promise((resolve) => server.close(resolve));
    const events = await eventsOf('express-host-svc');
    // One proxy trusted: the address it saw (the last hop), not what the client claimed.
    expect(events).toEqual([
      expect.objectContaining({
        action: 'invoice.refunded',
        actorType: 'service',
        ip: '192.0.2.9',
        metadata: { method: 'POST', route: '/invoices/:id/refund', status: 200 },
      }),
    ]);
  });

  it('fetch handlers: a handler that throws is recorded as a failure', async () => {
    const handler = withAudit(
      sdk,
      async (request: Request) => {
        if (request.headers.get('x-fail')) throw new Error('database down');
        return new Response('ok', { status: 200 });
      },
      { actor: () => ({ id: 'fetch-host-user' }), route: '/api/orders', durable: true },
    );
    await handler(new Request('http://app.test/api/orders', { method: 'POST' }));
    await expect(
      handler(
        new Request('http://app.test/api/orders', { method: 'POST', headers: { 'x-fail': '1' } }),
      ),
    ).rejects.toThrow('database down');
    const events = await eventsOf('fetch-host-user');
    expect(events.map((e) => [e.action, e.outcome, e.metadata?.status])).toEqual([
      ['order.created', 'success', 200],
      ['order.created', 'failure', 500],
    ]);
  });

  it('auth helpers: one call per event, taking the request', async () => {
    const auth = authEvents(sdk);
    const req = {
      headers: { 'user-agent': 'Firefox' },
      socket: { remoteAddress: '::ffff:192.0.2.44' },
    };
    const ada = { id: 'auth-helper-ada', email: 'ada@example.com' };
    await auth.signedIn(req, ada, { method: 'password' });
    await auth.mfaEnabled(req, ada, { method: 'totp' });
    await auth.passwordChanged(req, ada);
    await auth.sessionRevoked(req, ada, { sessionId: 's1' });
    await auth.mfaDisabled(req, ada);
    await auth.signedOut(
      new Request('http://app.test/logout', { headers: { 'user-agent': 'Edge' } }),
      ada,
    );
    const events = await eventsOf('auth-helper-ada');
    expect(events.map((e) => e.action)).toEqual([
      'auth.signed_in',
      'auth.mfa_enabled',
      'auth.password_changed',
      'auth.session_revoked',
      'auth.mfa_disabled',
      'auth.signed_out',
    ]);
    expect(events[0]).toMatchObject({
      ip: '192.0.2.44',
      userAgent: 'Firefox',
      metadata: { method: 'password' },
    });
    expect(events[5]).toMatchObject({ userAgent: 'Edge' });

    await auth.signInFailed(req, { email: 'auth-helper-mallory', reason: 'unknown account' });
    expect(await eventsOf('auth-helper-mallory')).toEqual([
      expect.objectContaining({
        action: 'auth.sign_in_failed',
        outcome: 'failure',
        actorEmail: '',
      }),
    ]);
  });
});
