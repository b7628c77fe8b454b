import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../trpc';

/**
 * GDPR erasure of the event's actor, for admins: blanks their email, IP and user agent
 * on every event they made. Asks once more before doing it; it cannot be undone. Once
 * done, the refreshed detail shows the event as erased and this control goes away.
 */
export function EraseActor({ actorId }: { actorId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  // How many events the erasure blanks: said before it is done.
  const affected = useQuery(
    trpc.facets.queryOptions(confirming ? { filter: { actor: actorId }, top: 1 } : skipToken),
  );
  const erase = useMutation(
    trpc.privacy.erasePerson.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(),
    }),
  );
  return (
    <div className="erase">
      {confirming ? (
        <>
          <p>
            Blank the email, IP address and user agent of <code>{actorId}</code> on{' '}
            {affected.data
              ? `the ${affected.data.total.toLocaleString()} event${affected.data.total === 1 ? '' : 's'} they made`
              : 'every event they made (counting…)'}
            ? This cannot be undone; the events and every proof remain.
          </p>
          <button type="button" className="danger" onClick={() => erase.mutate({ actor: actorId })}>
            Erase personal data
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </>
      ) : (
        <button type="button" className="secondary" onClick={() => setConfirming(true)}>
          Erase this person's data…
        </button>
      )}
      {erase.error && (
        <p role="alert" className="error">
          {erase.error.message}
        </p>
      )}
    </div>
  );
}
