import type { SortOrder } from '@auditlog/audit';

/** What lies past the loaded rows, as far as is known. */
export type Remaining = 'more' | 'loading' | 'none' | 'unknown';

interface Props {
  /** Events loaded so far; undefined while the first page loads. */
  shown: number | undefined;
  /** `unknown` while the rows shown are an earlier view's. */
  remaining: Remaining;
  /** Newest first, the next pages hold older events; oldest first, newer ones. */
  order: SortOrder;
  /** Loads the next page; undefined while that cannot be asked. */
  onMore?: () => void;
}

/**
 * Under the table: how many events are loaded and whether more remain. Scrolling loads
 * them; the button does the same for a keyboard or a screen reader.
 */
export function LoadMore({ shown, remaining, order, onMore }: Props) {
  if (shown === undefined || shown === 0) return null;
  const count = `${shown.toLocaleString()} event${shown === 1 ? '' : 's'}`;
  const next = order === 'newest' ? 'older' : 'newer';
  const text: Record<Remaining, string> = {
    more: `${count} loaded; scroll for ${next} ones`,
    loading: `${count} loaded; loading ${next} events…`,
    none: `All ${count} of this view are shown`,
    unknown: `${count} shown from the previous view; updating…`,
  };
  return (
    <div className="load-more">
      <span aria-live="polite">{text[remaining]}</span>
      {remaining !== 'none' && (
        <button type="button" className="secondary" onClick={onMore} disabled={!onMore}>
          Load {next} events
        </button>
      )}
    </div>
  );
}
