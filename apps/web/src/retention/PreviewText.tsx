import type { RouterOutputs } from '@auditlog/api';
import { formatTime } from '../components/format';

type Preview = RouterOutputs['retention']['preview'];

/** "This policy would delete N events, oldest …, newest …, in …; K are held." */
export function PreviewText({ preview, stale }: { preview: Preview; stale?: boolean }) {
  const held =
    preview.held > 0
      ? ` ${preview.held.toLocaleString()} more ${preview.held === 1 ? 'has' : 'have'} expired but ${preview.held === 1 ? 'is' : 'are'} kept by legal holds.`
      : '';
  if (preview.deleted === 0) {
    return (
      <span className={stale ? 'muted' : undefined}>This policy deletes nothing now.{held}</span>
    );
  }
  return (
    <span className={stale ? 'muted' : undefined}>
      This policy would delete <strong>{preview.deleted.toLocaleString()}</strong> event
      {preview.deleted === 1 ? '' : 's'}, the oldest from {formatTime(preview.oldest as string)},
      the newest from {formatTime(preview.newest as string)}, in{' '}
      {preview.months
        .map(
          (m) => `${m.month} (${m.deleted.toLocaleString()}${m.whole ? ', the whole month' : ''})`,
        )
        .join(', ')}
      .{held}
    </span>
  );
}
