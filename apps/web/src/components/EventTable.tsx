import type { AuditEvent } from '@auditlog/audit';
import { type ColumnDef, tableFeatures, useTable } from '@tanstack/react-table';
import { formatResource, formatTime, useTimeZone } from './format';
import { LoadingRows } from './LoadingRows';

const features = tableFeatures({});
const NO_EVENTS: AuditEvent[] = [];

const columns: ColumnDef<typeof features, AuditEvent>[] = [
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
    id: 'resource',
    header: 'Resource',
    accessorFn: (e) => formatResource(e.resourceType, e.resourceId),
  },
  { accessorKey: 'ip', header: 'IP', cell: (info) => info.getValue<string | null>() ?? '' },
];

interface Props {
  events: AuditEvent[] | undefined;
  /**
   * `loading`: no answer yet; `updating`: the rows shown are an earlier filter's, kept on
   * screen (dimmed) while this one loads; `failed`: the page says why, above.
   */
  status: 'loading' | 'updating' | 'failed' | 'ready';
  selectedId: string | undefined;
  onSelect(id: string): void;
}

export function EventTable({ events, status, selectedId, onSelect }: Props) {
  useTimeZone(); // redraw the times when the zone is switched
  const stale = status === 'updating';
  const table = useTable({
    features,
    columns,
    data: events ?? NO_EVENTS,
    getRowId: (event) => event.id,
  });

  return (
    <table className="events log">
      <caption className={stale ? 'table-state' : 'visually-hidden'} role="status">
        {stale ? 'Updating: these rows are from the previous filter…' : ''}
      </caption>
      <colgroup>
        <col className="col-time" />
        <col />
        <col />
        <col />
        <col className="col-ip" />
      </colgroup>
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((header) => (
              <th key={header.id} scope="col">
                {header.isPlaceholder ? null : <table.FlexRender header={header} />}
              </th>
            ))}
          </tr>
        ))}
      </thead>
      <tbody className={stale ? 'stale' : undefined}>
        {status === 'loading' && <LoadingRows columns={columns.length} />}
        {table.getRowModel().rows.map((row) => (
          <tr
            key={row.id}
            data-id={row.id}
            className={row.id === selectedId ? 'selected' : undefined}
            onClick={() => onSelect(row.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') onSelect(row.id);
            }}
            tabIndex={0}
          >
            {row.getAllCells().map((cell) => (
              // A cell cut short by its column shows its whole value on hover.
              <td key={cell.id} title={cellText(cell.getValue())}>
                <table.FlexRender cell={cell} />
              </td>
            ))}
          </tr>
        ))}
        {status === 'ready' && events?.length === 0 && (
          <tr>
            <td colSpan={columns.length} className="empty">
              No events match these filters.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

const cellText = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
