import { testSql } from '@auditlog/db/testing';
import { sendThroughBreakages } from './sdk-breakages';
import { exitCode } from './test-processes';

sendThroughBreakages('the server is killed with SIGKILL', async ({ server, restart }) => {
  server.kill('SIGKILL');
  await exitCode(server);
  return restart();
});

sendThroughBreakages("the server's database connections are cut", async ({ server, db }) => {
  await testSql(
    db,
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  return server;
});
