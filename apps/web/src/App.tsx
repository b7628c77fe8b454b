import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { setTimeZone, type TimeZoneChoice, useTimeZone } from './components/format';
import { lastLogView } from './filters';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { LoginPage } from './pages/LoginPage';
import { LogPage } from './pages/LogPage';
import { PasswordPage } from './pages/PasswordPage';
import { RetentionPage } from './pages/RetentionPage';
import { UsersPage } from './pages/UsersPage';
import { chooseTheme, type ThemeChoice, themeChoice } from './theme';
import { useTRPC } from './trpc';

/** Signs the visitor in, then shows the pages their role opens. */
export function App() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({ onSettled: () => queryClient.clear() }),
  );

  if (me.isPending) return <p className="app muted">Loading…</p>;
  const user = me.data?.kind === 'user' ? me.data : null;
  if (!user) return <LoginPage />;
  const isAdmin = user.role === 'admin';

  return (
    <div className="app">
      <header className="topbar">
        <nav aria-label="Main">
          <LogLink />
          {isAdmin && <Link href="/users">Users</Link>}
          {isAdmin && <Link href="/api-keys">API keys</Link>}
          <Link href="/retention">Retention</Link>
          <Link href="/password">Password</Link>
        </nav>
        <div className="whoami">
          <ThemeSwitch />
          <TimeZoneSwitch />
          <span>
            {user.name} <span className="tag">{user.role}</span>
          </span>
          <button type="button" className="secondary" onClick={() => signOut.mutate()}>
            Sign out
          </button>
        </div>
      </header>
      <Switch>
        <Route path="/users">
          {isAdmin ? <UsersPage selfId={user.id} /> : <NeedsAdmin what="users" />}
        </Route>
        <Route path="/password">
          <PasswordPage />
        </Route>
        <Route path="/retention">
          <RetentionPage isAdmin={isAdmin} />
        </Route>
        <Route path="/api-keys">{isAdmin ? <ApiKeysPage /> : <NeedsAdmin what="API keys" />}</Route>
        <Route>
          <LogPage me={user} />
        </Route>
      </Switch>
    </div>
  );
}

function NeedsAdmin({ what }: { what: string }) {
  return (
    <p role="alert" className="error">
      Only admins can manage {what}. Ask an admin if you need access.
    </p>
  );
}

/** Back to the log as it was left (its filters and search), not to an empty one. */
function LogLink() {
  // Read again on every navigation, after the log page has remembered its view.
  useLocation();
  return <Link href={lastLogView()}>Log</Link>;
}

/** Every time on every page in the browser's zone or in UTC. */
function TimeZoneSwitch() {
  const zone = useTimeZone();
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <label className="header-setting">
      Times in{' '}
      <select value={zone} onChange={(e) => setTimeZone(e.target.value as TimeZoneChoice)}>
        <option value="local">{local}</option>
        <option value="utc">UTC</option>
      </select>
    </label>
  );
}

/** Light, dark, or the system's. */
function ThemeSwitch() {
  const [choice, setChoice] = useState(themeChoice);
  return (
    <label className="header-setting">
      Theme{' '}
      <select
        value={choice}
        onChange={(e) => {
          const next = e.target.value as ThemeChoice;
          chooseTheme(next);
          setChoice(next);
        }}
      >
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
