import { useMutation, useQueryClient } from '@tanstack/react-query';
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
            Blank the email, IP address and user agent of <code>{actorId}</code> on every event they
            made? This cannot be undone; the events and every proof remain.
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
