import type { RouterOutputs } from '@auditlog/api';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { formatTime } from '../components/format';
import { useTRPC } from '../trpc';

type Run = RouterOutputs['retention']['runs'][number];

/** Past runs, newest first, when the next is due, and (for admins) a run now. */
export function RunsPanel(props: { runs: Run[]; intervalMinutes: number; canRun: boolean }) {
  const { runs, intervalMinutes, canRun } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const run = useMutation(
    trpc.retention.run.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.retention.pathKey() }),
    }),
  );
  const last = runs.find((r) => !r.dryRun);
  // The scheduler counts from the server's start, not from the last run (which may have
  // been started by hand): say how often, and when the last one was.
  const next =
    intervalMinutes > 0
      ? `Runs every ${intervalMinutes} minutes${last ? `; the last began ${formatTime(last.startedAt)}` : ''}.`
      : 'No scheduled runs (RETENTION_INTERVAL_MINUTES is 0): run it here or with the retention command.';

  return (
    <section className="panel" aria-label="Retention runs">
      <h2>Runs</h2>
      <p className="muted">{next}</p>
      {canRun && (
        <div className="filter-actions">
          <button
            type="button"
            disabled={run.isPending}
            onClick={() => run.mutate({ dryRun: false })}
          >
            Run now
          </button>
          <button
            type="button"
            className="secondary"
            disabled={run.isPending}
            onClick={() => run.mutate({ dryRun: true })}
          >
            Dry run
          </button>
          {run.isPending && <span role="status">Running…</span>}
        </div>
      )}
      {run.error && (
        <p className="error" role="alert">
          {run.error.message}
        </p>
      )}
      <div className="table-scroll">
        <table className="events">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Run</th>
              <th scope="col">Deleted</th>
              <th scope="col">Months dropped</th>
              <th scope="col">Archive</th>
              <th scope="col">From the checkpoint of</th>
            </tr>
          </thead>
          <tbody>
            {runs.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  No runs yet.
                </td>
              </tr>
            )}
            {runs.map((r) => (
              <tr key={r.id}>
                <td>{formatTime(r.startedAt)}</td>
                <td>
                  {r.dryRun ? 'dry run' : 'run'}, {r.status}
                  {r.error ? `: ${r.error}` : ''}
                </td>
                <td>
                  {r.dryRun ? 'would delete ' : ''}
                  {r.deleted.toLocaleString()}
                </td>
                <td>{r.partitionsDropped.join(', ') || '—'}</td>
                <td>
                  {r.archive ? (
                    <span title={`${r.archive.location}\nsha256 ${r.archive.sha256}`}>
                      {r.archive.events.toLocaleString()} events,{' '}
                      <span className="archive-name">{r.archive.name}</span>
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{r.checkpoint.treeSize.toLocaleString()} events</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
