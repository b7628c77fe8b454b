/**
 * Placeholder rows while a table's first answer is on its way: a table that says "no
 * events" or "never" before it knows is a false answer, and an auditor acts on it.
 */
export function LoadingRows({ columns, rows = 6 }: { columns: number; rows?: number }) {
  return (
    <>
      <tr className="loading-row">
        <td colSpan={columns} role="status">
          Loading…
        </td>
      </tr>
      {Array.from({ length: rows - 1 }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <tr key={i} className="skeleton">
          {Array.from({ length: columns }, (_, j) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
            <td key={j}>
              <span aria-hidden="true" />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}
