/** What lies past the loaded rows, as far as is known. */
export type Remaining = 'more' | 'loading' | 'none' | 'unknown';

interface Props {
  /** Events loaded so far; undefined while the first page loads. */
  shown: number | undefined;
  /** `unknown` while the rows shown are an earlier view's. */
  remaining: Remaining;
  /** Loads the next page; undefined while that cannot be asked. */
  onMore?: () => void;
}

const TEXT: Record<Remaining, string> = {
  more: 'loaded; scroll for older ones',
  loading: 'loaded; loading older events…',
  none: '',
  unknown: 'shown from the previous view; updating…',
};

/**
 * Under the table: how many events are loaded and whether older ones remain. Scrolling
 * loads them; the button does the same for a keyboard or a screen reader.
 */
export function LoadMore({ shown, remaining, onMore }: Props) {
  if (shown === undefined || shown === 0) return null;
  const count = `${shown.toLocaleString()} event${shown === 1 ? '' : 's'}`;
  return (
    <div className="load-more">
      <span aria-live="polite">
        {remaining === 'none'
          ? `All ${count} of this view are shown`
          : `${count} ${TEXT[remaining]}`}
      </span>
      {remaining !== 'none' && (
        <button type="button" className="secondary" onClick={onMore} disabled={!onMore}>
          Load older events
        </button>
      )}
    </div>
  );
}
