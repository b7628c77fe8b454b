import { Transform } from 'node:stream';
import { LIMITS } from '@auditlog/audit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

class Refusal extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

// Signing in is the only thing an unauthenticated caller sends: an email and a password,
// escaped at worst 6 bytes a character.
const ANONYMOUS_BODY_BYTES = 16 * 1024;

// Procedures that take up to LIMITS.batch events in one call.
const BULK = new Set(['logMany', 'imports.events']);

/**
 * How large this request's body may be, from what it calls: the largest valid request
 * for those procedures, never more than one request's bound. An unauthenticated body
 * is refused before it is read, beyond what signing in needs.
 */
export function bodyLimitOf(request: FastifyRequest): number {
  if (!request.principal) return ANONYMOUS_BODY_BYTES;
  const path = request.url.split('?')[0] ?? '';
  if (!path.startsWith('/trpc/')) return LIMITS.eventBytes;
  const calls = path.slice('/trpc/'.length).split(',');
  const bytes = calls.reduce(
    (sum, name) => sum + (BULK.has(name) ? LIMITS.requestBytes : LIMITS.eventBytes),
    0,
  );
  return Math.min(bytes, LIMITS.requestBytes);
}

/**
 * Every request body is checked as it streams in, before anything parses it: its size
 * against bodyLimitOf, and its bytes as UTF-8. JSON must be UTF-8 (RFC 8259 §8.1), and so
 * must a percent-encoded query: decoding invalid bytes would put U+FFFD in their place
 * and the event stored would silently differ from the one sent.
 */
export function registerBodyGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const query = request.url.indexOf('?');
    if (query < 0) return;
    try {
      decodeURIComponent(request.url.slice(query + 1));
    } catch {
      throw new Refusal(400, 'the query string is not valid percent-encoded UTF-8');
    }
  });

  app.addHook('preParsing', async (request, _reply, payload) => {
    const limit = bodyLimitOf(request);
    const tooLarge = () =>
      new Refusal(413, `this request may carry at most ${limit.toLocaleString('en')} bytes`);
    if (Number(request.headers['content-length'] ?? 0) > limit) throw tooLarge();
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let received = 0;
    const check = (chunk: Buffer | undefined) => {
      received += chunk?.length ?? 0;
      if (received > limit) return tooLarge();
      try {
        decoder.decode(chunk, { stream: chunk !== undefined });
        return undefined;
      } catch {
        return new Refusal(400, 'the request body is not valid UTF-8');
      }
    };
    return payload.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          done(check(chunk), chunk);
        },
        flush(done) {
          done(check(undefined));
        },
      }),
    );
  });
}
