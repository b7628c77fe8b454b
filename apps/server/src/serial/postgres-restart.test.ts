import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sendThroughBreakages } from '../sdk-breakages';

const run = promisify(execFile);

// Restarting PostgreSQL breaks every other suite using it, so this file runs alone, after
// them (`test:serial`, the last step of the README's test command).
sendThroughBreakages('PostgreSQL is restarted', async ({ server }) => {
  await run('bash', [
    '-c',
    'pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main restart -m fast',
  ]);
  return server;
});
