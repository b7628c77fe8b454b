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
  /** The admin's session cookie, for what only a person who is an admin may do. */
  adminCookie: string;
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
  const { authorization, adminCookie } = await signIn(base);
  return {
    base,
    authorization,
    adminCookie,
    process: child,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** POSTs a tRPC mutation, with a session cookie if given; a refusal throws. */
export async function mutate(
  base: string,
  path: string,
  body: unknown,
  cookie = '',
): Promise<Response> {
  const response = await fetch(`${base}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

/**
 * Waits until the tree has taken in every stored event, so that one workload's hashing
 * does not run beneath the next one's measurement; answers how long that took.
 */
export async function treeCaughtUp(server: RunningServer): Promise<number> {
  const started = performance.now();
  for (;;) {
    const response = await fetch(`${server.base}/trpc/integrity.checkpoint`, {
      headers: { authorization: server.authorization },
    });
    const { tree } = (
      (await response.json()) as {
        result: { data: { tree: { logSize: number; treeSize: number } } };
      }
    ).result.data;
    if (tree.treeSize >= tree.logSize) return (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Signs in as the admin and makes a key with every scope, as an operator would. */
async function signIn(base: string): Promise<{ authorization: string; adminCookie: string }> {
  const signedIn = await mutate(base, 'auth.signIn', ADMIN);
  const adminCookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await mutate(
    base,
    'apiKeys.create',
    { name: 'bench', scopes: ['log:write', 'log:read', 'log:export'] },
    adminCookie,
  );
  const body = (await created.json()) as { result: { data: { secret: string } } };
  return { authorization: `Bearer ${body.result.data.secret}`, adminCookie };
}
