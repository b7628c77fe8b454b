import { type EventFilter, type ExportFormat, parseSearch } from '@auditlog/audit';
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

/**
 * The download's name says what range it holds: the filter's bounds, narrowed by the
 * search's `created:` terms, from the log's start and up to the moment of the export
 * when open (`audit-log_2026-11-01T00-00-00Z_to_2026-11-08T00-00-00Z.csv`).
 */
export function exportFilename(
  format: ExportFormat,
  filter: EventFilter = {},
  now = new Date(),
): string {
  let from = filter.from ? Date.parse(filter.from) : undefined;
  let to = filter.to ? Date.parse(filter.to) : undefined;
  for (const term of filter.q ? parseSearch(filter.q).terms : []) {
    if (term.kind !== 'created') continue;
    if (term.from) from = Math.max(from ?? -Infinity, Date.parse(term.from));
    if (term.to) to = Math.min(to ?? Infinity, Date.parse(term.to));
  }
  const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replaceAll(':', '-')}Z`;
  return `audit-log_${from === undefined ? 'start' : stamp(from)}_to_${stamp(to ?? now.getTime())}.${format}`;
}
