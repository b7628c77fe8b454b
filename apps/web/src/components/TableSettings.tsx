import { columns } from './EventTable';
import type { Density, TablePreferences } from './table-preferences';

/** Which columns the log shows, and how tightly its rows sit; kept per person. */
export function TableSettings({ preferences }: { preferences: TablePreferences }) {
  const { columnVisibility, setColumnVisibility, density, setDensity } = preferences;
  const shown = (id: string) => columnVisibility[id] !== false;
  const shownCount = columns.filter((c) => shown(columnId(c))).length;
  return (
    <details className="table-settings">
      <summary>Columns and density</summary>
      <fieldset>
        <legend>Columns</legend>
        {columns.map((column) => {
          const id = columnId(column);
          return (
            <label key={id} className="check">
              <input
                type="checkbox"
                checked={shown(id)}
                // The last column shown stays: a table of no columns shows nothing.
                disabled={shown(id) && shownCount === 1}
                onChange={(e) => setColumnVisibility((v) => ({ ...v, [id]: e.target.checked }))}
              />
              {String(column.header)}
            </label>
          );
        })}
      </fieldset>
      <label>
        Density{' '}
        <select value={density} onChange={(e) => setDensity(e.target.value as Density)}>
          <option value="comfortable">Comfortable</option>
          <option value="compact">Compact</option>
        </select>
      </label>
    </details>
  );
}

const columnId = (column: (typeof columns)[number]) =>
  column.id ?? ('accessorKey' in column ? String(column.accessorKey) : '');
