import type { AuditEvent } from '@auditlog/audit';
import { type ColumnDef, tableFeatures, useTable } from '@tanstack/react-table';
import { formatResource, formatTime } from './format';

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
  selectedId: string | undefined;
  onSelect(id: string): void;
}

export function EventTable({ events, selectedId, onSelect }: Props) {
  const table = useTable({
    features,
    columns,
    data: events ?? NO_EVENTS,
    getRowId: (event) => event.id,
  });

  return (
    <table className="events">
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
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <tr
            key={row.id}
            className={row.id === selectedId ? 'selected' : undefined}
            onClick={() => onSelect(row.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') onSelect(row.id);
            }}
            tabIndex={0}
          >
            {row.getAllCells().map((cell) => (
              <td key={cell.id}>
                <table.FlexRender cell={cell} />
              </td>
            ))}
          </tr>
        ))}
        {events?.length === 0 && (
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
