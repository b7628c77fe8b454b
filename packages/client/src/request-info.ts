import type { IncomingHttpHeaders } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/** A request as Node's http, Express and Fastify (request.raw) give it. */
export interface NodeRequest {
  headers: IncomingHttpHeaders;
  socket: { remoteAddress?: string };
}

/** Where a request came from, as events record it. */
export interface RequestInfo {
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

export interface RequestInfoOptions {
  /**
   * Reverse proxies in front of the app whose X-Forwarded-For may be believed: 0 takes the
   * socket's address; N the address the N-th proxy from the right saw, as the audit
   * server's TRUST_PROXY_HOPS does (and with the same library), so a client cannot forge it.
   */
  trustProxyHops?: number;
  /** The header carrying the request id. Default `x-request-id`. */
  requestIdHeader?: string;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function fromHeaders(
  ip: string | undefined,
  get: (name: string) => string | undefined,
  options: RequestInfoOptions,
): RequestInfo {
  return {
    ip: ip?.replace(/^::ffff:(?=\d+\.)/, ''),
    userAgent: get('user-agent'),
    requestId: get(options.requestIdHeader ?? 'x-request-id'),
  };
}

/** The address, user agent and request id of a Node request. */
export function nodeRequestInfo(
  request: NodeRequest,
  options: RequestInfoOptions = {},
): RequestInfo {
  const hops = options.trustProxyHops ?? 0;
  const ip =
    hops > 0
      ? proxyAddr(request as never, (_address, hop) => hop < hops)
      : request.socket.remoteAddress;
  return fromHeaders(ip, (name) => first(request.headers[name]), options);
}

/**
 * The same for a fetch Request (Next.js route handlers, Hono, Deno): it carries no socket,
 * so the runtime's view of the peer comes as `remoteAddress`.
 */
export function fetchRequestInfo(
  request: Request,
  remoteAddress: string | undefined,
  options: RequestInfoOptions = {},
): RequestInfo {
  const headers: IncomingHttpHeaders = {};
  request.headers.forEach((value, key) => {
    headers[key] = value;
  });
  return nodeRequestInfo({ headers, socket: { remoteAddress } }, options);
}
