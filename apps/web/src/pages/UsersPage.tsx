import type { RouterInputs } from '@auditlog/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Confirm } from '../components/Confirm';
import { formatTime, useTimeZone } from '../components/format';
import { LoadingRows } from '../components/LoadingRows';
import { NewPasswordField } from '../components/NewPasswordField';
import { useTRPC } from '../trpc';

type Role = RouterInputs['users']['setRole']['role'];

export function UsersPage({ selfId }: { selfId: string }) {
  useTimeZone(); // redraw the times when the zone is switched
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const setRole = useMutation(trpc.users.setRole.mutationOptions({ onSuccess: refresh }));
  const disable = useMutation(trpc.users.disable.mutationOptions({ onSuccess: refresh }));
  const unlock = useMutation(trpc.users.unlockSignIn.mutationOptions({ onSuccess: refresh }));
  const enable = useMutation(trpc.users.enable.mutationOptions({ onSuccess: refresh }));
  const error = users.error ?? setRole.error ?? disable.error ?? unlock.error ?? enable.error;
  const [resetting, setResetting] = useState<string | null>(null);
  // A role change or a disable waits here for the admin's yes.
  const [pending, setPending] = useState<Pending | null>(null);

  return (
    <section aria-label="Users">
      <h1>Users</h1>
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      <div className="table-scroll">
        <table className="events">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {users.isPending && <LoadingRows columns={5} rows={3} />}
            {users.data?.map((user) => (
              <tr key={user.id}>
                <td>{user.name}</td>
                <td>{user.email}</td>
                <td>
                  <select
                    aria-label={`Role of ${user.email}`}
                    value={
                      pending?.id === user.id && pending.kind === 'role' ? pending.role : user.role
                    }
                    disabled={user.disabledAt !== null}
                    onChange={(e) =>
                      setPending({ id: user.id, kind: 'role', role: e.target.value as Role })
                    }
                  >
                    <option value="admin">admin</option>
                    <option value="auditor">auditor</option>
                  </select>
                </td>
                <td>{formatTime(user.createdAt)}</td>
                <td className="status">
                  {user.signInBlockedUntil && (
                    <p className="status-note">
                      Sign-in paused after failed tries until {formatTime(user.signInBlockedUntil)}{' '}
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => unlock.mutate({ id: user.id })}
                      >
                        Unlock
                      </button>
                    </p>
                  )}
                  {user.disabledAt ? (
                    <>
                      disabled{' '}
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => enable.mutate({ id: user.id })}
                      >
                        Enable
                      </button>
                    </>
                  ) : user.id === selfId ? (
                    'you'
                  ) : (
                    <span className="row-actions">
                      <button
                        type="button"
                        className="secondary"
                        onClick={() =>
                          setPending({ id: user.id, kind: 'disable', revokeKeys: false })
                        }
                      >
                        Disable
                      </button>
                      {user.activeApiKeys > 0 && (
                        <button
                          type="button"
                          className="secondary"
                          onClick={() =>
                            setPending({ id: user.id, kind: 'disable', revokeKeys: true })
                          }
                        >
                          Disable and revoke their {user.activeApiKeys} API key
                          {user.activeApiKeys === 1 ? '' : 's'}
                        </button>
                      )}
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => setResetting(user.id)}
                      >
                        Reset password
                      </button>
                    </span>
                  )}
                  {user.disabledAt && user.activeApiKeys > 0 && (
                    <p className="status-note warning">
                      {user.activeApiKeys} API key{user.activeApiKeys === 1 ? '' : 's'} they created
                      still work (see API keys).
                    </p>
                  )}
                  {pending?.id === user.id && (
                    <Confirm
                      confirmLabel={
                        pending.kind === 'role'
                          ? `Make ${pending.role}`
                          : pending.revokeKeys
                            ? 'Disable and revoke'
                            : 'Disable'
                      }
                      danger={pending.kind === 'disable'}
                      onCancel={() => setPending(null)}
                      onConfirm={() => {
                        if (pending.kind === 'role')
                          setRole.mutate({ id: user.id, role: pending.role });
                        else disable.mutate({ id: user.id, revokeKeys: pending.revokeKeys });
                        setPending(null);
                      }}
                    >
                      {consequences(pending, user)}
                    </Confirm>
                  )}
                  {resetting === user.id && (
                    <ResetPasswordForm
                      user={user}
                      onDone={() => {
                        setResetting(null);
                        refresh();
                      }}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <NewUserForm onCreated={refresh} />
    </section>
  );
}

function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const trpc = useTRPC();
  const empty = { email: '', name: '', role: 'auditor' as Role, password: '' };
  const [form, setForm] = useState(empty);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: () => {
        setForm(empty);
        onCreated();
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(form);
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="New user">
      <label>
        Name
        <input
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          required
        />
      </label>
      <label>
        Email
        <input
          type="email"
          value={form.email}
          onChange={(e) => setForm({ ...form, email: e.target.value })}
          required
        />
      </label>
      <label>
        Role
        <select
          value={form.role}
          onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
        >
          <option value="auditor">auditor</option>
          <option value="admin">admin</option>
        </select>
      </label>
      <NewPasswordField
        label="Initial password"
        value={form.password}
        onChange={(v) => setForm({ ...form, password: v })}
      />
      <div className="filter-actions">
        <button type="submit" disabled={create.isPending}>
          Add user
        </button>
      </div>
      {create.error && (
        <p role="alert" className="error">
          {create.error.message}
        </p>
      )}
    </form>
  );
}

function ResetPasswordForm({
  user,
  onDone,
}: {
  user: { id: string; email: string };
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const [password, setPassword] = useState('');
  const reset = useMutation(trpc.users.resetPassword.mutationOptions({ onSuccess: onDone }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    reset.mutate({ id: user.id, password });
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={`New password for ${user.email}`}>
      <NewPasswordField label="New password" value={password} onChange={setPassword} />
      <button type="submit" disabled={reset.isPending}>
        Set password
      </button>
      {reset.error && (
        <p role="alert" className="error">
          {reset.error.message}
        </p>
      )}
    </form>
  );
}

type Pending =
  | { id: string; kind: 'role'; role: Role }
  | { id: string; kind: 'disable'; revokeKeys: boolean };

/** What a role change or a disable does, said before it is done. */
function consequences(pending: Pending, user: { email: string; activeApiKeys: number }): string {
  const keys = `${user.activeApiKeys} API key${user.activeApiKeys === 1 ? '' : 's'}`;
  if (pending.kind === 'role') {
    return pending.role === 'admin'
      ? `Make ${user.email} an admin? They will manage users and API keys and may erase personal data.`
      : `Make ${user.email} an auditor? They keep reading, verifying and exporting the log, and lose the Users and API keys pages at once, in every open session.`;
  }
  if (pending.revokeKeys) {
    return `Disable ${user.email} and revoke their ${keys}? They are signed out at once, and every caller using those keys is refused from now on. Revoked keys cannot be restored.`;
  }
  return `Disable ${user.email}? They are signed out at once and cannot sign in until enabled again.${user.activeApiKeys > 0 ? ` Their ${keys} keep working.` : ''}`;
}
