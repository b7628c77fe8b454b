import type { RouterInputs } from '@auditlog/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Confirm } from '../components/Confirm';
import { formatTime, useTimeZone } from '../components/format';
import { LoadingRows } from '../components/LoadingRows';
import { useTRPC } from '../trpc';

type Scope = RouterInputs['apiKeys']['create']['scopes'][number];
const SCOPES = ['log:write', 'log:read', 'log:export'] as const satisfies readonly Scope[];

export function ApiKeysPage() {
  useTimeZone(); // redraw the times when the zone is switched
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: refresh }));
  const [name, setName] = useState('');
  const [revoking, setRevoking] = useState<string | null>(null);
  const [scopes, setScopes] = useState<Scope[]>(['log:write']);
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: () => {
        setName('');
        void refresh();
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name, scopes });
  };
  const toggle = (scope: Scope) =>
    setScopes((s) => (s.includes(scope) ? s.filter((x) => x !== scope) : [...s, scope]));
  const error = keys.error ?? revoke.error ?? create.error;

  return (
    <section aria-label="API keys">
      <h1>API keys</h1>
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      {create.data && (
        <div className="secret" role="status">
          <p>
            Copy this key now: it is shown only once and cannot be recovered. Send it as{' '}
            <code>Authorization: Bearer …</code>.
          </p>
          <code data-testid="new-secret">{create.data.secret}</code>
        </div>
      )}
      <form className="filters" onSubmit={submit} aria-label="New API key">
        <label>
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="billing backend"
            required
          />
        </label>
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map((scope) => (
            <label key={scope} className="check">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={() => toggle(scope)}
              />
              {scope}
            </label>
          ))}
        </fieldset>
        <div className="filter-actions">
          <button type="submit" disabled={create.isPending || scopes.length === 0}>
            Create key
          </button>
        </div>
      </form>
      <div className="table-scroll">
        <table className="events">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created by</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {keys.isPending && <LoadingRows columns={7} rows={3} />}
            {keys.data?.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>alk_{key.prefix}_…</code>
                </td>
                <td>{key.scopes.join(', ')}</td>
                <td className="status">
                  {key.creator?.email ?? '—'}
                  {key.creator?.disabled && !key.revokedAt && (
                    <p className="status-note warning">
                      Their account is disabled; this key still works.
                    </p>
                  )}
                </td>
                <td>{formatTime(key.createdAt)}</td>
                <td>{key.lastUsedAt ? formatTime(key.lastUsedAt) : 'never'}</td>
                <td>
                  {key.revokedAt ? (
                    `revoked ${formatTime(key.revokedAt)}`
                  ) : revoking === key.id ? (
                    <Confirm
                      confirmLabel="Revoke key"
                      danger
                      onCancel={() => setRevoking(null)}
                      onConfirm={() => {
                        revoke.mutate({ id: key.id });
                        setRevoking(null);
                      }}
                    >
                      Revoke “{key.name}”? Every caller using it is refused from now on, in every
                      server process. It cannot be restored: make a new key instead.
                    </Confirm>
                  ) : (
                    <button type="button" className="secondary" onClick={() => setRevoking(key.id)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
