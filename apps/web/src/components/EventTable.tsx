import type { AuditEvent, SortOrder } from '@auditlog/audit';
import {
  type ColumnDef,
  columnVisibilityFeature,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState } from 'react';
import { formatResource, formatTime, useTimeZone } from './format';
import { LoadingRows } from './LoadingRows';
import type { TablePreferences } from './table-preferences';

const features = tableFeatures({ columnVisibilityFeature });
const NO_EVENTS: AuditEvent[] = [];

export const columns: ColumnDef<typeof features, AuditEvent>[] = [
  {
    accessorKey: 'createdAt',
    header: 'Time',
    cell: (info) => {
      const iso = info.getValue<string>();
      return (
        <time dateTime={iso} title={iso}>
          {formatTime(iso)}
        </time>
      );
    },
  },
  {
    id: 'actor',
    header: 'Actor',
    accessorFn: (e) => e.actorEmail || e.actorId,
    cell: (info) => (
      <span title={info.row.original.actorId}>
        {info.getValue<string>()}
        {info.row.original.actorType !== 'user' && (
          <span className="tag">{info.row.original.actorType}</span>
        )}
      </span>
    ),
  },
  {
    accessorKey: 'action',
    header: 'Action',
    cell: (info) => (
      <span className={info.row.original.outcome === 'failure' ? 'action failure' : 'action'}>
        {info.getValue<string>()}
      </span>
    ),
  },
  {
    accessorKey: 'outcome',
    header: 'Outcome',
    cell: (info) => (
      <span className={`outcome ${info.getValue<string>()}`}>{info.getValue<string>()}</span>
    ),
  },
  {
    id: 'resource',
    header: 'Resource',
    accessorFn: (e) => formatResource(e.resourceType, e.resourceId),
  },
  { accessorKey: 'ip', header: 'IP', cell: (info) => info.getValue<string | null>() ?? '' },
];

// Rows drawn beyond the screen's edge on each side, so j / k and a fast wheel meet drawn rows.
const OVERSCAN = 12;
// When this few loaded rows are left below the screen, the next page is fetched.
const LOAD_AHEAD = 40;

interface Props {
  events: AuditEvent[] | undefined;
  /**
   * `loading`: no answer yet; `updating`: the rows shown are an earlier filter's, kept on
   * screen (dimmed) while this one loads; `failed`: the page says why, above.
   */
  status: 'loading' | 'updating' | 'failed' | 'ready';
  selectedId: string | undefined;
  onSelect(id: string): void;
  preferences: TablePreferences;
  /** Asked for when the reader nears the last loaded row (the next keyset page). */
  onNearEnd?: () => void;
  /** Time's order, sorted by the server; the Time heading switches it. */
  order: SortOrder;
  onOrder(order: SortOrder): void;
}

/**
 * The log's events, newest (or oldest) first, as one long table that loads the next pages
 * as the reader scrolls. Only the rows near the screen are in the page (TanStack Virtual, scrolling the
 * window), so 100,000 loaded events cost what a hundred do.
 */
export function EventTable({
  events,
  status,
  selectedId,
  onSelect,
  preferences,
  onNearEnd,
  order,
  onOrder,
}: Props) {
  useTimeZone(); // redraw the times when the zone is switched
  const stale = status === 'updating';
  const data = events ?? NO_EVENTS;
  const table = useTable({
    features,
    columns,
    data,
    getRowId: (event) => event.id,
    state: { columnVisibility: preferences.columnVisibility },
    onColumnVisibilityChange: preferences.setColumnVisibility,
  });
  const rows = table.getRowModel().rows;
  const visible = table.getVisibleLeafColumns();

  // Where the table's body starts on the page: the virtualizer counts from the window's top.
  const body = useRef<HTMLTableSectionElement>(null);
  const [scrollMargin, setScrollMargin] = useState(0);
  useLayoutEffect(() => {
    const top = (body.current?.getBoundingClientRect().top ?? 0) + window.scrollY;
    if (Math.abs(top - scrollMargin) > 1) setScrollMargin(top);
  });
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: () => (preferences.density === 'compact' ? 29 : 37),
    overscan: OVERSCAN,
    scrollMargin,
    getItemKey: (index) => rows[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1);
  useLayoutEffect(() => {
    if (last && last.index >= rows.length - LOAD_AHEAD) onNearEnd?.();
  }, [last, rows.length, onNearEnd]);
  const before = items[0] ? items[0].start - scrollMargin : 0;
  const after = last ? virtualizer.getTotalSize() - (last.end - scrollMargin) : 0;

  return (
    <table className={`events log ${preferences.density}`} aria-rowcount={rows.length + 1}>
      <caption className={stale ? 'table-state' : 'visually-hidden'} role="status">
        {stale ? 'Updating: these rows are from the previous filter…' : ''}
      </caption>
      <colgroup>
        {visible.map((column) => (
          <col key={column.id} className={`col-${column.id}`} />
        ))}
      </colgroup>
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id} aria-rowindex={1}>
            {group.headers.map((header) =>
              header.column.id === 'createdAt' ? (
                <th
                  key={header.id}
                  scope="col"
                  aria-sort={order === 'newest' ? 'descending' : 'ascending'}
                >
                  <button
                    type="button"
                    className="sort"
                    title={order === 'newest' ? 'Show oldest first' : 'Show newest first'}
                    onClick={() => onOrder(order === 'newest' ? 'oldest' : 'newest')}
                  >
                    Time {order === 'newest' ? '↓' : '↑'}
                  </button>
                </th>
              ) : (
                <th key={header.id} scope="col">
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                </th>
              ),
            )}
          </tr>
        ))}
      </thead>
      <tbody ref={body} className={stale ? 'stale' : undefined}>
        {status === 'loading' && <LoadingRows columns={visible.length} />}
        {before > 0 && <Spacer height={before} columns={visible.length} />}
        {items.map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <tr
              key={row.id}
              ref={virtualizer.measureElement}
              data-index={item.index}
              data-id={row.id}
              aria-rowindex={item.index + 2}
              className={row.id === selectedId ? 'selected' : undefined}
              onClick={() => onSelect(row.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') onSelect(row.id);
              }}
              tabIndex={0}
            >
              {row.getVisibleCells().map((cell) => (
                // A cell cut short by its column shows its whole value on hover.
                <td key={cell.id} title={cellText(cell.getValue())}>
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          );
        })}
        {after > 0 && <Spacer height={after} columns={visible.length} />}
        {status === 'ready' && data.length === 0 && (
          <tr>
            <td colSpan={visible.length} className="empty">
              No events match these filters.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

/** Stands in for the rows above or below the screen that are not drawn. */
function Spacer({ height, columns }: { height: number; columns: number }) {
  return (
    <tr className="spacer" style={{ height }}>
      <td colSpan={columns} aria-hidden="true" />
    </tr>
  );
}

const cellText = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
