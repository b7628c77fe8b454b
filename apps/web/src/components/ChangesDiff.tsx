import type { AuditEvent } from '@auditlog/audit';

/**
 * `changes` as a table of fields, before then after, the fields that changed marked; a
 * field only one side has was added or removed.
 */
export function ChangesDiff({ changes }: { changes: NonNullable<AuditEvent['changes']> }) {
  const before = changes.before ?? {};
  const after = changes.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const text = (side: Record<string, unknown>, key: string) =>
    key in side ? JSON.stringify(side[key], null, 1) : '—';
  return (
    <>
      <h3>Changes</h3>
      <table className="changes">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((key) => {
            const was = text(before, key);
            const now = text(after, key);
            return (
              <tr key={key} className={was === now ? undefined : 'changed'}>
                <th scope="row">{key}</th>
                <td>{was}</td>
                <td>{now}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
