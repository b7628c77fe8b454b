import {
  AuditStore,
  DatabaseUnavailableError,
  MigrationError,
  migrate,
  openDatabase,
} from '@auditlog/db';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { seedDemoData } from './demo-data';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await migrate(db.raw);
  const store = new AuditStore(db);
  if (config.DEMO_DATA) {
    const seeded = await seedDemoData(store);
    if (seeded > 0) console.log(`Seeded ${seeded} demo events.`);
  }
  const app = await buildApp({
    store,
    webDist: config.WEB_DIST,
    logger: { level: config.LOG_LEVEL },
  });

  // On SIGINT/SIGTERM: stop accepting connections, let in-flight requests finish (each
  // logAction answers only after its commit), then drain the group-commit queue and close
  // the database. Nothing a caller was told is stored can be lost on the way out.
  closeWithGrace({ delay: 20_000 }, async ({ err, signal }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
    await store.close();
    await db.close();
  });

  const address = await app.listen({ host: config.HOST, port: config.PORT });
  console.log(`Audit log listening on ${address} (${db.location}); dashboard at ${address}/`);
}

main().catch((error: unknown) => {
  const known =
    error instanceof ConfigError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof MigrationError;
  console.error(known ? `audit-log: ${error.message}` : error);
  process.exit(1);
});
