import { Readable } from 'node:stream';
import { EXPORT_CONTENT_TYPES, exportFilename } from '@auditlog/api';
import type { ExportFormat } from '@auditlog/audit';
import type { FastifyInstance } from 'fastify';
import { sendTrpcError } from './http-errors';
import type { CallerFor } from './request-context';

/**
 * GET /export?format=csv&action=user.*&from=...: the download behind the dashboard's
 * buttons, and the simplest way for a script to pull a file (curl -OJ). It calls the
 * `export` procedure, so it is authorised, validated and recorded exactly as that is;
 * streamed, so an export of millions of rows holds one page in memory at a time.
 */
export function registerExportRoute(app: FastifyInstance, callerFor: CallerFor): void {
  // HEAD would start (and record) an export whose body nobody reads.
  app.get('/export', { exposeHeadRoute: false }, async (request, reply) => {
    const { format: asked = 'csv', ...filter } = request.query as Record<string, string>;
    // The procedure refuses any other format before this is used.
    const format = asked as ExportFormat;
    let chunks: AsyncIterable<string>;
    try {
      chunks = await callerFor(request, reply).export({ format, filter });
    } catch (error) {
      return sendTrpcError(app, reply, error);
    }
    // The filter was checked by the procedure above, which refused it otherwise.
    const filename = exportFilename(format, filter);
    return reply
      .header('Content-Type', EXPORT_CONTENT_TYPES[format])
      .header('Content-Disposition', `attachment; filename="${filename}"`)
      .header('Cache-Control', 'no-store')
      .send(Readable.from(chunks));
  });
}
