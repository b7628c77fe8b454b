import type { EventFilter, ExportFormat } from '@auditlog/audit';
import type { AuditStore } from '@auditlog/db';

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/**
 * The export as text chunks, oldest event first, one chunk per page read from the
 * store: memory stays flat whatever the size of the export. `onStart` runs when the
 * first chunk is asked for, so an export that is never read is never recorded.
 */
export async function* exportChunks(
  store: AuditStore,
  filter: EventFilter,
  format: ExportFormat,
  onStart: () => Promise<unknown> = async () => {},
): AsyncGenerator<string> {
  await onStart();
  yield* store.exportText(filter, format);
}

export function exportFilename(format: ExportFormat, now = new Date()): string {
  return `audit-log-${now.toISOString().replaceAll(':', '-').slice(0, 19)}Z.${format}`;
}
