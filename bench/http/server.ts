import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

const MAIN = new URL('../../apps/server/dist/main.js', import.meta.url).pathname;
const ADMIN = { email: 'bench@example.com', password: 'bench password long enough' };

export interface RunningServer {
  base: string;
  /** `Bearer …` for a key with every scope. */
  authorization: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/**
 * The built server (`node apps/server/dist/main.js`), as an operator runs it; `nodeArgs`
 * such as `--cpu-prof` go to node.
 */
export async function startServer(
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<RunningServer> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`pnpm build\` first`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 600) throw new Error('the server did not start within a minute');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    authorization: await apiKey(base),
    process: child,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** Signs in as the admin and makes a key with every scope, as an operator would. */
async function apiKey(base: string): Promise<string> {
  const post = (path: string, body: unknown, cookie = '') =>
    fetch(`${base}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify(body),
    });
  const signIn = await post('auth.signIn', ADMIN);
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await post(
    'apiKeys.create',
    { name: 'bench', scopes: ['log:write', 'log:read', 'log:export'] },
    cookie,
  );
  const body = (await created.json()) as { result: { data: { secret: string } } };
  return `Bearer ${body.result.data.secret}`;
}
