import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { NewPasswordField } from '../components/NewPasswordField';
import { useTRPC } from '../trpc';

/** The signed-in person changes their own password; their other sessions end. */
export function PasswordPage() {
  const trpc = useTRPC();
  const empty = { currentPassword: '', newPassword: '' };
  const [form, setForm] = useState(empty);
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({ onSuccess: () => setForm(empty) }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.mutate(form);
  };
  return (
    <section>
      <h1>Password</h1>
      <form className="filters" onSubmit={submit} aria-label="Change password">
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            value={form.currentPassword}
            onChange={(e) => setForm({ ...form, currentPassword: e.target.value })}
            required
          />
        </label>
        <NewPasswordField
          label="New password"
          value={form.newPassword}
          onChange={(v) => setForm({ ...form, newPassword: v })}
        />
        <div className="filter-actions">
          <button type="submit" disabled={change.isPending}>
            Change password
          </button>
        </div>
      </form>
      {change.isSuccess && (
        <p role="status">Password changed. Your other sessions have been signed out.</p>
      )}
      {change.error && (
        <p role="alert" className="error">
          {change.error.message}
        </p>
      )}
    </section>
  );
}
