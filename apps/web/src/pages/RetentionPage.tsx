import { useQuery } from '@tanstack/react-query';
import { useTimeZone } from '../components/format';
import { HoldsPanel } from '../retention/HoldsPanel';
import { PolicyEditor } from '../retention/PolicyEditor';
import { RunsPanel } from '../retention/RunsPanel';
import { useTRPC } from '../trpc';

/** Retention: the policy and its preview, legal holds, and the runs. Admins edit. */
export function RetentionPage({ isAdmin }: { isAdmin: boolean }) {
  useTimeZone(); // redraw the times when the zone is switched
  const trpc = useTRPC();
  const policy = useQuery(trpc.retention.policy.queryOptions());
  const holds = useQuery(trpc.retention.holds.queryOptions());
  const runs = useQuery(trpc.retention.runs.queryOptions());
  const error = policy.error ?? holds.error ?? runs.error;
  return (
    <section aria-label="Retention" className="retention">
      <h1>Retention</h1>
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {policy.data ? (
        // A saved policy starts a fresh draft.
        <PolicyEditor
          key={JSON.stringify(policy.data.policy)}
          current={policy.data}
          canEdit={isAdmin}
        />
      ) : (
        !error && <p role="status">Loading the policy…</p>
      )}
      {holds.data ? (
        <HoldsPanel holds={holds.data} canEdit={isAdmin} />
      ) : (
        !error && <p role="status">Loading legal holds…</p>
      )}
      {runs.data && policy.data ? (
        <RunsPanel
          runs={runs.data}
          intervalMinutes={policy.data.intervalMinutes}
          canRun={isAdmin}
        />
      ) : (
        !error && <p role="status">Loading runs…</p>
      )}
    </section>
  );
}
