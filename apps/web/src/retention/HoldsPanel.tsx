import type { RouterInputs, RouterOutputs } from '@auditlog/api';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Confirm } from '../components/Confirm';
import { formatTime, instantOf } from '../components/format';
import { useTRPC } from '../trpc';

type Hold = RouterOutputs['retention']['holds'][number];
type NewHold = RouterInputs['retention']['placeHold'];

const EMPTY = {
  reason: '',
  actor: '',
  action: '',
  resourceType: '',
  resourceId: '',
  from: '',
  to: '',
};

/** Standing and released legal holds; admins place and release them. */
export function HoldsPanel({ holds, canEdit }: { holds: Hold[]; canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.retention.pathKey() });
  const [form, setForm] = useState(EMPTY);
  const [releasing, setReleasing] = useState<string | null>(null);
  const place = useMutation(
    trpc.retention.placeHold.mutationOptions({
      onSuccess: () => {
        setForm(EMPTY);
        void refresh();
      },
    }),
  );
  const release = useMutation(
    trpc.retention.releaseHold.mutationOptions({
      onSuccess: () => {
        setReleasing(null);
        void refresh();
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const hold: Record<string, string> = {};
    for (const [key, value] of Object.entries(form)) {
      if (value.trim())
        hold[key] = key === 'from' || key === 'to' ? instantOf(value) : value.trim();
    }
    place.mutate(hold as NewHold);
  };
  const field = (key: keyof typeof EMPTY) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });
  const error = place.error ?? release.error;

  return (
    <section className="panel" aria-label="Legal holds">
      <h2>Legal holds</h2>
      <div className="table-scroll">
        <table className="events">
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col">Keeps</th>
              <th scope="col">Placed</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {holds.length === 0 && (
              <tr>
                <td colSpan={4} className="empty">
                  No legal holds.
                </td>
              </tr>
            )}
            {holds.map((h) => (
              <tr key={h.id}>
                <td>{h.reason}</td>
                <td>{criteriaText(h.criteria)}</td>
                <td>
                  {formatTime(h.placedAt)} by {h.placedBy}
                </td>
                <td className="status">
                  {h.releasedAt ? (
                    `Released ${formatTime(h.releasedAt)} by ${h.releasedBy}`
                  ) : releasing === h.id ? (
                    <Confirm
                      confirmLabel="Release hold"
                      danger
                      onCancel={() => setReleasing(null)}
                      onConfirm={() => release.mutate({ id: h.id })}
                    >
                      Release this hold? Its events become subject to the policy again, and the next
                      run deletes those that have expired.
                    </Confirm>
                  ) : (
                    <>
                      Standing{' '}
                      {canEdit && (
                        <button
                          type="button"
                          className="secondary"
                          onClick={() => setReleasing(h.id)}
                        >
                          Release…
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canEdit && (
        <form className="filters" onSubmit={submit} aria-label="New legal hold">
          <label>
            Reason
            <input required placeholder="litigation 2026-17" {...field('reason')} />
          </label>
          <label>
            Actor
            <input placeholder="id or email" {...field('actor')} />
          </label>
          <label>
            Action
            <input placeholder="billing.* or billing.refunded" {...field('action')} />
          </label>
          <label>
            Resource type
            <input {...field('resourceType')} />
          </label>
          <label>
            Resource id
            <input {...field('resourceId')} />
          </label>
          <label>
            From
            <input type="datetime-local" {...field('from')} />
          </label>
          <label>
            Until
            <input type="datetime-local" {...field('to')} />
          </label>
          <div className="filter-actions">
            <button type="submit" disabled={place.isPending}>
              Place hold
            </button>
          </div>
        </form>
      )}
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
    </section>
  );
}

function criteriaText(c: Hold['criteria']): string {
  const parts = [
    c.actor && `actor ${c.actor}`,
    c.action && `action ${c.action}`,
    c.resourceType && `resource ${c.resourceType}${c.resourceId ? `/${c.resourceId}` : ''}`,
    c.from && `from ${formatTime(c.from)}`,
    c.to && `until ${formatTime(c.to)}`,
  ];
  return parts.filter(Boolean).join(', ');
}
