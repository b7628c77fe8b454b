import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '../trpc';
import { formatTime, useTimeZone } from './format';

/**
 * Where an auditor sees that the trail is intact: the latest signed checkpoint, the last
 * verification, and a Verify button that re-computes the tree from every stored event.
 */
export function IntegrityPanel() {
  useTimeZone(); // redraw the times when the zone is switched
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [jobId, setJobId] = useState<string>();
  const checkpoint = useQuery(trpc.integrity.checkpoint.queryOptions());
  const lastVerified = useQuery(
    trpc.query.queryOptions({ filter: { action: 'log.verified' }, limit: 1 }),
  );
  const start = useMutation(
    trpc.integrity.verify.mutationOptions({ onSuccess: (job) => setJobId(job.id) }),
  );
  const job = useQuery({
    ...trpc.integrity.verification.queryOptions(jobId ? { id: jobId } : skipToken),
    refetchInterval: (query) => (query.state.data?.finishedAt ? false : 300),
  });
  const running = start.isPending || (job.data !== undefined && !job.data.finishedAt);
  const finished = job.data?.finishedAt ? job.data : undefined;
  // A finished run is recorded in the log: refresh "last verified" and the table.
  const finishedId = finished?.id;
  useEffect(() => {
    if (finishedId) void queryClient.invalidateQueries({ queryKey: trpc.query.queryKey() });
  }, [finishedId, queryClient, trpc]);

  const cp = checkpoint.data?.checkpoint;
  const stalled = checkpoint.data?.tree.failure;
  const awaiting = cp && checkpoint.data ? checkpoint.data.tree.logSize - cp.treeSize : 0;
  const last = lastVerified.data?.events[0];
  return (
    <section className="integrity" aria-label="Integrity">
      <div>
        <h2>Integrity</h2>
        {checkpoint.isPending ? (
          <p role="status" className="muted">
            Loading the latest checkpoint…
          </p>
        ) : checkpoint.isError ? (
          <p role="alert" className="error">
            The checkpoint could not be loaded: {checkpoint.error.message}
          </p>
        ) : cp ? (
          <p>
            Signed checkpoint: <strong>{cp.treeSize.toLocaleString()} events</strong>, root{' '}
            <code title={cp.rootHash}>{cp.rootHash.slice(0, 12)}…</code>, {formatTime(cp.issuedAt)},
            key <code>{cp.keyId}</code>
            {awaiting > 0 &&
              `. ${awaiting.toLocaleString()} newer event${awaiting === 1 ? ' is' : 's are'} stored and will be covered by the next checkpoint.`}
          </p>
        ) : (
          <p>No checkpoint signed yet.</p>
        )}
        {stalled && (
          <p role="alert" className="error">
            New events are not joining the Merkle tree ({stalled}). They are stored, but no
            checkpoint covers them until the log is repaired.
          </p>
        )}
        <p className="muted">
          {lastVerified.isPending
            ? 'Looking up the last verification…'
            : lastVerified.isError
              ? 'The last verification could not be looked up.'
              : last
                ? `Last verified ${formatTime(last.createdAt)}: ${last.outcome === 'success' ? 'intact' : 'problem found'} (every stored event, ${Number(last.metadata?.checked ?? 0).toLocaleString()}, checked against its hash and the checkpoints)`
                : 'Never verified.'}
        </p>
      </div>
      <div className="integrity-actions">
        <button type="button" onClick={() => start.mutate()} disabled={running}>
          {running ? 'Verifying…' : 'Verify'}
        </button>
        <a className="button" href="/checkpoint.json" download>
          Checkpoint
        </a>
        <a className="button" href="/public-key.pem" download>
          Public key
        </a>
      </div>
      {job.data && !job.data.finishedAt && (
        <progress
          value={job.data.checked}
          max={job.data.total || 1}
          aria-label="Verification progress"
        />
      )}
      {finished && <VerificationOutcome job={finished} />}
    </section>
  );
}

function VerificationOutcome({
  job,
}: {
  job: {
    result: {
      ok: boolean;
      checked: number;
      checkpoints: number;
      problem?: { seq: number | null; reason: string };
      pruned?: { events: number; runs: string[] };
    } | null;
    error: string | null;
  };
}) {
  if (job.error)
    return (
      <p role="alert" className="error">
        Verification could not run: {job.error}
      </p>
    );
  const result = job.result;
  if (!result) return null;
  if (result.ok) {
    return (
      <p role="status" className="ok">
        Intact: all {result.checked.toLocaleString()} events match their hashes and{' '}
        {result.checkpoints} signed checkpoint{result.checkpoints === 1 ? '' : 's'}.
        {result.pruned &&
          ` Of them, ${result.pruned.events.toLocaleString()} events deleted by retention runs are proven by their recorded hashes.`}
      </p>
    );
  }
  return (
    <p role="alert" className="error">
      Tampering detected{result.problem?.seq != null ? ` at event #${result.problem.seq}` : ''}:{' '}
      {result.problem?.reason}
    </p>
  );
}
