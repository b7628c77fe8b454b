import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type AppRouter, appRouter, type Context, VerificationJobs } from '@auditlog/api';
import type { AuditStore } from '@auditlog/db';
import fastifyStatic from '@fastify/static';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { registerExportRoute } from './export-route';
import { registerIntegrityRoutes } from './integrity-routes';

export interface AppOptions {
  store: AuditStore;
  signingKey: KeyObject;
  verifications?: VerificationJobs;
  /** The built dashboard; served when it exists. */
  webDist?: string;
  logger?: FastifyServerOptions['logger'];
}

// Room for a full logMany batch of events at their size limits, and no more.
const BODY_LIMIT = 16 * 1024 * 1024;

export async function buildApp({
  store,
  signingKey,
  verifications = new VerificationJobs(),
  webDist,
  logger = false,
}: AppOptions) {
  const app = Fastify({
    logger,
    bodyLimit: BODY_LIMIT,
    // tRPC batches put several procedure names in one path segment.
    routerOptions: { maxParamLength: 5000 },
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }): Context => ({
        store,
        signingKey,
        verifications,
        ip: req.ip,
        userAgent: req.headers['user-agent'],
      }),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') app.log.error({ err: error, path }, 'tRPC');
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  registerExportRoute(app, store);
  registerIntegrityRoutes(app, store, signingKey);

  app.get('/healthz', async (_request, reply) => {
    try {
      return { status: 'ok', database: store.db.driver, events: await store.size() };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', error: String(error) });
    }
  });

  if (webDist && existsSync(webDist)) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false });
    // The dashboard routes on the client: unknown GET paths get its page.
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && !request.url.startsWith('/trpc')) {
        return reply.sendFile('index.html');
      }
      return reply
        .code(404)
        .send({ error: 'NOT_FOUND', message: `${request.method} ${request.url}` });
    });
  }
  return app;
}
