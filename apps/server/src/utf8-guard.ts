import { Transform } from 'node:stream';
import type { FastifyInstance } from 'fastify';

class BadRequest extends Error {
  readonly statusCode = 400;
}

/**
 * JSON must be UTF-8 (RFC 8259 §8.1), and so must a percent-encoded query. Decoding
 * invalid bytes would put U+FFFD in their place, and the event stored would silently
 * differ from the one sent: such a request is refused instead, before it is parsed.
 */
export function registerUtf8Guard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const query = request.url.indexOf('?');
    if (query < 0) return;
    try {
      decodeURIComponent(request.url.slice(query + 1));
    } catch {
      throw new BadRequest('the query string is not valid percent-encoded UTF-8');
    }
  });

  app.addHook('preParsing', async (_request, _reply, payload) => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const check = (chunk: Buffer | undefined) => {
      try {
        decoder.decode(chunk, { stream: chunk !== undefined });
        return undefined;
      } catch {
        return new BadRequest('the request body is not valid UTF-8');
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
