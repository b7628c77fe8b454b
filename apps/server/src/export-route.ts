import { Readable } from 'node:stream';
import { EXPORT_CONTENT_TYPES, exportChunks, exportFilename } from '@auditlog/api';
import { eventFilterSchema, exportFormats } from '@auditlog/audit';
import type { AuditStore } from '@auditlog/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

const formatSchema = z.enum(exportFormats).default('csv');

/**
 * GET /export?format=csv&action=user.*&from=...: the download behind the dashboard's
 * buttons, and the simplest way for a script to pull a file (curl -OJ). Streamed, so an
 * export of millions of rows holds one page in memory at a time.
 */
export function registerExportRoute(app: FastifyInstance, store: AuditStore): void {
  app.get('/export', async (request, reply) => {
    const { format: formatParam, ...filterParams } = request.query as Record<string, string>;
    const format = formatSchema.safeParse(formatParam);
    const filter = eventFilterSchema.safeParse(filterParams);
    if (!format.success || !filter.success) {
      return reply.code(400).send({
        error: 'BAD_REQUEST',
        message: 'invalid export parameters',
        issues: [
          ...(format.error?.issues.map((i) => ({ ...i, path: ['format', ...i.path] })) ?? []),
          ...(filter.error?.issues ?? []),
        ],
      });
    }
    return reply
      .header('Content-Type', EXPORT_CONTENT_TYPES[format.data])
      .header('Content-Disposition', `attachment; filename="${exportFilename(format.data)}"`)
      .header('Cache-Control', 'no-store')
      .send(Readable.from(exportChunks(store, filter.data, format.data)));
  });
}
