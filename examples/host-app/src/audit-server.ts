import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

const SERVER = new URL('../../../apps/server/src/main.ts', import.meta.url).pathname;
const ADMIN = { email: 'admin@example.com', password: 'example admin passphrase' };

export interface AuditServer {
  url: string;
  /** A key holding log:write and log:read. */
  apiKey: string;
  stop(): Promise<void>;
}

/**
 * The audit log this example records into: the repository's server on its embedded
 * database in `dataDir`, with a first admin who makes the example its API key.
 */
export async function startAuditServer(dataDir: string, port: number): Promise<AuditServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the audit server exited (${child.exitCode})`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 1200) throw new Error('the audit server did not start within two minutes');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const call = (path: string, body: unknown, cookie = '') =>
    fetch(`${url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(body),
    });
  const signIn = await call('auth.signIn', ADMIN);
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await call(
    'apiKeys.create',
    { name: `example host ${Date.now()}`, scopes: ['log:write', 'log:read'] },
    cookie,
  );
  const { result } = (await created.json()) as { result: { data: { secret: string } } };
  return {
    url,
    apiKey: result.data.secret,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}
