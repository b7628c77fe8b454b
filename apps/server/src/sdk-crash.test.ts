import { testSql } from '@auditlog/db/testing';
import { sendThroughBreakages } from './sdk-breakages';
import { exitCode } from './test-processes';

sendThroughBreakages('the server is killed with SIGKILL', async ({ server, restart }) => {
  server.kill('SIGKILL');
  await exitCode(server);
  return restart();
});

// Cut while a statement runs: connections cut while all of them are idle are replaced
// before the next request notices, and on a busy CI machine that happened often enough
// that no request failed at all.
sendThroughBreakages("the server's database connections are cut", async ({ server, db }) => {
  for (let tries = 0; tries < 1000; tries++) {
    const cut = await testSql(
      db,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()
         AND EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
                     AND pid <> pg_backend_pid() AND state <> 'idle')`,
    );
    if (cut.length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return server;
});
