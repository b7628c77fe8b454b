import { useQuery } from '@tanstack/react-query';
import { inclusionProofHolds } from '../proof';
import { useTRPC } from '../trpc';

/**
 * Whether this event is provably in the signed log: the server says whether its content
 * still matches its hash, and the browser checks the inclusion proof itself.
 */
export function ProofBadge({ id }: { id: string }) {
  const trpc = useTRPC();
  const bundle = useQuery(trpc.integrity.get.queryOptions({ id }));
  const holds = useQuery({
    queryKey: ['inclusion', id, bundle.data?.checkpoint.treeSize],
    enabled: bundle.data !== undefined,
    queryFn: () => {
      const b = bundle.data as NonNullable<typeof bundle.data>;
      return inclusionProofHolds({
        seq: b.event.seq,
        treeSize: b.checkpoint.treeSize,
        leafHash: b.event.hash,
        path: b.proof,
        rootHash: b.checkpoint.rootHash,
      });
    },
  });
  if (bundle.error) return <p className="badge bad">Proof unavailable: {bundle.error.message}</p>;
  if (!bundle.data || holds.data === undefined) return <p className="badge">Checking proof…</p>;
  const ok = bundle.data.contentMatches && holds.data;
  return (
    <p className={ok ? 'badge good' : 'badge bad'} data-testid="proof-badge">
      {ok
        ? `✓ Proven: included in the signed checkpoint of ${bundle.data.checkpoint.treeSize.toLocaleString()} events`
        : bundle.data.contentMatches
          ? '✗ The inclusion proof does not lead to the signed root'
          : '✗ This event was altered: its content no longer matches its hash'}
    </p>
  );
}
