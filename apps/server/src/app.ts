import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  type AppRouter,
  appRouter,
  type Context,
  SignInLimiter,
  VerificationJobs,
} from '@auditlog/api';
import type { AuditStore } from '@auditlog/db';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { registerAuthHooks, SESSION_COOKIE } from './auth-hooks';
import { registerExportRoute } from './export-route';
import { registerIntegrityRoutes } from './integrity-routes';

export interface AppOptions {
  store: AuditStore;
  signingKey: KeyObject;
  verifications?: VerificationJobs;
  /** The built dashboard; served when it exists. */
  webDist?: string;
  logger?: FastifyServerOptions['logger'];
  /** Reverse proxies in front of the server whose X-Forwarded-For may be believed. */
  trustProxyHops?: number;
  cookieSecure?: boolean;
}

// Room for a full logMany batch of events at their size limits, and no more.
const BODY_LIMIT = 16 * 1024 * 1024;

export async function buildApp({
  store,
  signingKey,
  verifications = new VerificationJobs(),
  webDist,
  logger = false,
  trustProxyHops = 0,
  cookieSecure = false,
}: AppOptions) {
  const app = Fastify({
    logger,
    bodyLimit: BODY_LIMIT,
    // proxy-addr walks X-Forwarded-For from the right, trusting the socket peer and the
    // next hops while this says so: the client address is what the last trusted proxy
    // saw. With 0 hops the header is ignored and the socket address is the client.
    trustProxy:
      trustProxyHops > 0 ? (_address: string, hop: number) => hop < trustProxyHops : false,
    // tRPC batches put several procedure names in one path segment.
    routerOptions: { maxParamLength: 5000 },
  });

  await app.register(fastifyHelmet, {
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
  });
  await app.register(fastifyCookie);
  registerAuthHooks(app, store.db.prisma);

  const signInLimiter = new SignInLimiter();
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req, res }): Context => ({
        store,
        signingKey,
        verifications,
        signInLimiter,
        principal: req.principal,
        cookie: {
          set: (token, expiresAt) =>
            res.setCookie(SESSION_COOKIE, token, {
              httpOnly: true,
              sameSite: 'strict',
              secure: cookieSecure,
              path: '/',
              expires: expiresAt,
            }),
          clear: () => res.clearCookie(SESSION_COOKIE, { path: '/' }),
        },
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
      const { failure } = await store.treeStatus();
      // "stalled": events are still accepted, but the tree (and so every new checkpoint)
      // has stopped following them; the reason is for signed-in users (`checkpoint`).
      return { status: 'ok', database: store.db.driver, tree: failure ? 'stalled' : 'ok' };
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
