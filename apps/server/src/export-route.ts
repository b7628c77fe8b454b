import { Readable } from 'node:stream';
import {
  can,
  EXPORT_CONTENT_TYPES,
  exportChunks,
  exportFilename,
  recordOwnAction,
} from '@auditlog/api';
import { eventFilterSchema, exportFormats } from '@auditlog/audit';
import type { AuditStore } from '@auditlog/db';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { refuse } from './auth-hooks';

const formatSchema = z.enum(exportFormats).default('csv');

/**
 * GET /export?format=csv&action=user.*&from=...: the download behind the dashboard's
 * buttons, and the simplest way for a script to pull a file (curl -OJ). Streamed, so an
 * export of millions of rows holds one page in memory at a time.
 */
export function registerExportRoute(app: FastifyInstance, store: AuditStore): void {
  app.get('/export', async (request, reply) => {
    const { principal } = request;
    const refused = refuse(reply, principal, principal !== null && can(principal, 'log:export'));
    if (refused) return refused;
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
    await recordOwnAction(
      { store, principal, ip: request.ip, userAgent: request.headers['user-agent'] },
      {
        action: 'log.exported',
        metadata: { format: format.data, filter: filter.data, via: 'download' },
      },
    );
    return reply
      .header('Content-Type', EXPORT_CONTENT_TYPES[format.data])
      .header('Content-Disposition', `attachment; filename="${exportFilename(format.data)}"`)
      .header('Cache-Control', 'no-store')
      .send(Readable.from(exportChunks(store, filter.data, format.data)));
  });
}
