import type { IncomingMessage, ServerResponse } from 'node:http';
import { routeAction } from './action-name';
import type { AuditClient } from './audit-client';
import { type CaptureOptions, record } from './capture';
import { type AuditContext, auditScope } from './context';
import {
  fetchRequestInfo,
  nodeRequestInfo,
  type RequestInfo,
  type RequestInfoOptions,
} from './request-info';

export interface HttpCaptureOptions<Req> extends CaptureOptions<Req>, RequestInfoOptions {
  /** The action for a request (default routeAction: `POST /invoices` → `invoice.created`). */
  action?: (method: string, route: string) => string;
  /** Requests not to record (health checks; routes another helper records, such as /trpc). */
  skip?: (method: string, route: string) => boolean;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

function captured(method: string, route: string, options: HttpCaptureOptions<never>): boolean {
  if (options.skip?.(method, route)) return false;
  return options.reads === true || !READS.has(method.toUpperCase());
}

function recordRequest<Req>(
  client: AuditClient,
  options: HttpCaptureOptions<Req>,
  req: Req,
  request: {
    method: string;
    route: string;
    status: number;
    info: RequestInfo;
    context: AuditContext;
  },
): Promise<void> {
  return record(client, options, req, {
    action: (options.action ?? routeAction)(request.method, request.route),
    ok: request.status < 400,
    info: request.info,
    context: request.context,
    metadata: { method: request.method, route: request.route, status: request.status },
  });
}

type ExpressRequest = IncomingMessage & {
  method: string;
  originalUrl?: string;
  baseUrl?: string;
  route?: { path?: string };
};

/**
 * Express middleware: each request runs in an audit context (address, user agent,
 * request id, and the actor once known), and every request that changes something (any
 * request, with `reads`) is recorded when its response finishes, by its route pattern.
 */
export function auditExpress<Req extends ExpressRequest>(
  client: AuditClient,
  options: HttpCaptureOptions<Req> = {},
) {
  return (req: Req, res: ServerResponse, next: () => void) => {
    const info = nodeRequestInfo(req, options);
    const scope = auditScope({ ...info, actor: options.actor?.(req) });
    // The route pattern is known once the router has matched it.
    res.once('finish', () => {
      const route = req.route?.path
        ? `${req.baseUrl ?? ''}${req.route.path}`
        : (req.originalUrl ?? req.url ?? '/');
      if (!captured(req.method, route, options)) return;
      void recordRequest(client, options, req, {
        method: req.method,
        route,
        status: res.statusCode,
        info,
        context: scope.store,
      });
    });
    scope.run(next);
  };
}

/** The parts of a Fastify instance the hooks use (any Fastify 4 or 5). */
interface FastifyLike<Req> {
  addHook(name: 'onRequest', hook: (req: Req, reply: unknown, done: () => void) => void): unknown;
  addHook(
    name: 'onResponse',
    hook: (req: Req, reply: { statusCode: number }) => Promise<void>,
  ): unknown;
}
type FastifyRequestLike = {
  method: string;
  url: string;
  raw: IncomingMessage;
  routeOptions?: { url?: string };
};

/**
 * The same for Fastify: hooks on `app` (added to the root instance, they cover every
 * route). Requests run in an audit context; changes are recorded on response.
 */
export function auditFastify<Req extends FastifyRequestLike>(
  app: FastifyLike<Req>,
  client: AuditClient,
  options: HttpCaptureOptions<Req> = {},
): void {
  const scopes = new WeakMap<Req, { info: RequestInfo; context: AuditContext }>();
  app.addHook('onRequest', (req, _reply, done) => {
    const info = nodeRequestInfo(req.raw, options);
    const scope = auditScope({ ...info, actor: options.actor?.(req) });
    scopes.set(req, { info, context: scope.store });
    scope.run(done);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions?.url ?? req.url;
    if (!captured(req.method, route, options)) return;
    await recordRequest(client, options, req, {
      method: req.method,
      route,
      status: reply.statusCode,
      ...(scopes.get(req) ?? { info: {}, context: {} }),
    });
  });
}

/**
 * The same for a fetch handler (a Next.js route handler, Hono, Remix): wraps it so it
 * runs in an audit context and its changes are recorded once it has answered (a handler
 * that throws is recorded as a failure with status 500). The runtime's peer address, if
 * it has one, comes from `remoteAddress`.
 */
export function withAudit<Rest extends unknown[]>(
  client: AuditClient,
  handler: (request: Request, ...rest: Rest) => Response | Promise<Response>,
  options: HttpCaptureOptions<Request> & {
    route?: string;
    remoteAddress?: (request: Request) => string | undefined;
  } = {},
) {
  return async (request: Request, ...rest: Rest): Promise<Response> => {
    const info = fetchRequestInfo(request, options.remoteAddress?.(request), options);
    const route = options.route ?? new URL(request.url).pathname;
    const scope = auditScope({ ...info, actor: options.actor?.(request) });
    const finish = (status: number) =>
      captured(request.method, route, options)
        ? recordRequest(client, options, request, {
            method: request.method,
            route,
            status,
            info,
            context: scope.store,
          })
        : undefined;
    return scope.run(async () => {
      let response: Response;
      try {
        response = await handler(request, ...rest);
      } catch (error) {
        await finish(500);
        throw error;
      }
      await finish(response.status);
      return response;
    });
  };
}
