interface Props {
  pageNumber: number;
  /** Rows on this page; undefined while it loads. */
  shown: number | undefined;
  pageSize: number;
  onNewer?: () => void;
  onOlder?: () => void;
}

export function Pager({ pageNumber, shown, pageSize, onNewer, onOlder }: Props) {
  const first = (pageNumber - 1) * pageSize + 1;
  return (
    <div className="pager">
      <button type="button" onClick={onNewer} disabled={!onNewer}>
        ← Newer
      </button>
      <span aria-live="polite">
        {shown === undefined
          ? 'Loading…'
          : shown === 0
            ? 'No events'
            : `Events ${first}–${first + shown - 1}`}
      </span>
      <button type="button" onClick={onOlder} disabled={!onOlder}>
        Older →
      </button>
    </div>
  );
}
