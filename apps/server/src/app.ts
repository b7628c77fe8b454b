import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AppRouter, appRouter, createContext, errorIdOf, type Services } from '@auditlog/api';
import { LIMITS } from '@auditlog/audit';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyServerOptions } from 'fastify';
import helmet from 'helmet';
import { registerAuthHooks } from './auth-hooks';
import { registerBodyGuard } from './body-guard';
import { registerExportRoute } from './export-route';
import { registerErrorHandlers, sendError, sendNotFound } from './http-errors';
import { registerIntegrityRoutes } from './integrity-routes';
import { callerFactory, callerOf } from './request-context';
import { registerTailPrecheck } from './tail-precheck';

export interface AppOptions {
  services: Services;
  /** The built dashboard; served when it exists. */
  webDist?: string;
  logger?: FastifyServerOptions['logger'];
  /** Reverse proxies in front of the server whose X-Forwarded-For may be believed. */
  trustProxyHops?: number;
  cookieSecure?: boolean;
  /** Host names answered for (DNS rebinding); null or absent answers any. */
  allowedHosts?: string[] | null;
  /** How long a client may take to send its headers, and its whole request. */
  timeouts?: { headersMs: number; requestMs: number };
}

// The dashboard batches a handful of calls; more than this in one request is abuse.
const MAX_BATCH = 20;
const UNBATCHABLE = new Set(
  Object.entries(appRouter._def.procedures)
    .filter(
      ([path, p]) =>
        path.startsWith('auth.') && (p as { _def: { type: string } })._def.type === 'mutation',
    )
    .map(([path]) => path),
);

export async function buildApp({
  services,
  webDist,
  logger = false,
  trustProxyHops = 0,
  cookieSecure = false,
  allowedHosts = null,
  timeouts = { headersMs: 10_000, requestMs: 30_000 },
}: AppOptions) {
  const app = Fastify({
    logger,
    // A slow client may not hold a connection: headers within 10 s, the whole request
    // within 30 s (answers, such as a long export, are not limited), idle sockets closed.
    serverFactory: (handler) =>
      createServer(
        {
          headersTimeout: timeouts.headersMs,
          requestTimeout: timeouts.requestMs,
          connectionsCheckingInterval: 1_000,
        },
        handler,
      ),
    connectionTimeout: 120_000,
    keepAliveTimeout: 5_000,
    // Each request's own bound is set by body-guard.ts, within this one.
    bodyLimit: LIMITS.requestBytes,
    // proxy-addr walks X-Forwarded-For from the right, trusting the socket peer and the
    // next hops while this says so: the client address is what the last trusted proxy
    // saw. With 0 hops the header is ignored and the socket address is the client.
    trustProxy:
      trustProxyHops > 0 ? (_address: string, hop: number) => hop < trustProxyHops : false,
    // tRPC batches put several procedure names in one path segment.
    routerOptions: { maxParamLength: 5000 },
  });

  // helmet itself, built once: @fastify/helmet builds it again (parsing the policy) and
  // draws two CSP nonces on every request, a few percent of a logAction's CPU.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        // The dashboard may run on plain HTTP on localhost; do not rewrite its requests.
        upgradeInsecureRequests: null,
      },
    },
    frameguard: { action: 'deny' },
    // HSTS over plain HTTP would pin a browser to an HTTPS that is not there.
    hsts: cookieSecure,
  });
  app.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, () => done());
  });
  if (allowedHosts) {
    const hosts = new Set(allowedHosts);
    app.addHook('onRequest', async (request, reply) => {
      // Probes may use any name; the answer tells nothing.
      if (request.url === '/healthz') return;
      if (!hosts.has(request.hostname.toLowerCase())) {
        return sendError(
          reply,
          403,
          `this server does not answer for the host ${request.hostname}`,
        );
      }
    });
  }
  // Answers carry personal data and secrets: no browser or proxy keeps a copy.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/trpc/')) reply.header('Cache-Control', 'no-store');
  });
  registerErrorHandlers(app);
  await app.register(fastifyCookie);
  registerAuthHooks(app, services.credentials);
  registerBodyGuard(app);
  const callerFor = callerFactory(services, cookieSecure);
  registerTailPrecheck(app, callerFor);

  // Sign-in and sign-out come one per request, so no batch can race the sign-in limits.
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith('/trpc/') || !path.includes(',')) return;
    if (
      path
        .slice('/trpc/'.length)
        .split(',')
        .some((name) => UNBATCHABLE.has(name))
    ) {
      return sendError(reply, 400, 'auth.* mutations cannot be batched: send each on its own');
    }
  });
  // Live tails never end by themselves: closing ends them first, or it would wait for them.
  app.addHook('preClose', async () => services.shutdown.abort());
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      maxBatchSize: MAX_BATCH,
      createContext: ({ req, res }) => createContext(services, callerOf(req, res, cookieSecure)),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          app.log.error({ err: error, path, errorId: errorIdOf(error) }, 'unexpected error');
        }
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  registerExportRoute(app, callerFor);
  registerIntegrityRoutes(app, callerFor, services);
  const { store } = services;

  app.get('/healthz', async (_request, reply) => {
    try {
      const { failure } = await store.treeStatus();
      // "stalled": events are still accepted, but the tree (and so every new checkpoint)
      // has stopped following them; the reason is for signed-in users (`checkpoint`).
      return { status: 'ok', database: store.db.driver, tree: failure ? 'stalled' : 'ok' };
    } catch (error) {
      app.log.error({ err: error }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  if (webDist && existsSync(webDist)) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false });
    // The dashboard routes on the client: unknown page paths get its page. A missing file
    // (an asset of an older build, say) is a 404: index.html in its place blanks the page.
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?', 1)[0] ?? '';
      const isPage =
        !path.startsWith('/trpc') && !path.startsWith('/assets/') && !/\.\w+$/.test(path);
      if (request.method === 'GET' && isPage) {
        return reply.sendFile('index.html');
      }
      return sendNotFound(request, reply);
    });
  } else {
    app.setNotFoundHandler(sendNotFound);
  }
  return app;
}
