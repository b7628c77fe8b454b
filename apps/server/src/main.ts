import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServices, type Services } from '@auditlog/api';
import {
  AccountStore,
  AuditStore,
  DatabaseUnavailableError,
  DataDirectoryError,
  MigrationError,
  migrate,
  openDatabase,
} from '@auditlog/db';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { allowedHosts, type Config, ConfigError, loadConfig } from './config';
import { createAdmin, type FirstAdmin } from './first-admin';
import { loadSigningKey } from './signing-key';

async function main(): Promise<void> {
  const config = loadConfig();
  // Private from the start: it holds the signing key and, embedded, the database.
  await mkdir(config.DATA_DIR, { recursive: true, mode: 0o700 });
  const signing = await loadSigningKey(config);
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await migrate(db);
  // Integration failures are retried by the next append; until the HTTP server (and its
  // logger) exists they go to stderr.
  let log: { error(details: object, message: string): void } | undefined;
  const store = new AuditStore(db, {
    onIntegrationError: (err) =>
      log
        ? log.error({ err }, 'integrating events into the Merkle tree failed')
        : console.error('Integrating events into the Merkle tree failed:', err),
  });
  if (config.DEMO_DATA) {
    // Loaded only for the demo: a production server never loads faker.
    const { seedDemoData } = await import('./demo-data');
    const seeded = await seedDemoData(store);
    if (seeded > 0) console.log(`Seeded ${seeded} demo events.`);
  }
  const services = createServices({
    store,
    accounts: new AccountStore(db),
    signingKey: signing.key,
  });
  const firstAdmin = await bootstrapAdmin(services, config);
  const checkpoint = await signCheckpoint(store, signing.key);
  const app = await buildApp({
    services,
    webDist: config.WEB_DIST,
    logger: { level: config.LOG_LEVEL },
    trustProxyHops: config.TRUST_PROXY_HOPS,
    cookieSecure: config.COOKIE_SECURE,
    allowedHosts: allowedHosts(config),
  });
  log = app.log;

  const timer =
    config.CHECKPOINT_INTERVAL_SECONDS > 0
      ? setInterval(() => {
          services.checkpoints.sign().catch((err: unknown) => {
            app.log.error({ err }, 'could not sign a checkpoint');
          });
        }, config.CHECKPOINT_INTERVAL_SECONDS * 1000)
      : undefined;

  // On SIGINT/SIGTERM: stop accepting connections, let in-flight requests finish (each
  // logAction answers only after its commit), drain the group-commit queue, sign a last
  // checkpoint over everything accepted, then close the database. Nothing a caller was
  // told is stored can be lost on the way out.
  closeWithGrace({ delay: 20_000 }, async ({ err, signal }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    clearInterval(timer);
    await app.close();
    await services.verifications.idle();
    await store.close();
    await signCheckpoint(store, signing.key);
    await db.close();
  });

  const address = await app.listen({ host: config.HOST, port: config.PORT });
  const publicKey = createPublicKey(signing.key).export({ type: 'spki', format: 'pem' });
  console.log(
    [
      `Audit log listening on ${address} (${db.location}); dashboard at ${address}/`,
      `Checkpoints are signed with the Ed25519 key in ${signing.origin}; its public key:`,
      publicKey.toString().trim(),
      checkpoint
        ? `Latest checkpoint: ${checkpoint.treeSize} events, root ${checkpoint.rootHash}`
        : 'No checkpoint signed yet.',
      firstAdminMessage(firstAdmin),
    ].join('\n'),
  );
}

/**
 * Signs a checkpoint over every event; when the tree cannot take them in (the log was
 * damaged: an event it needs is missing), says so and returns the latest one instead.
 * The server still starts and stops: events keep being accepted and stored, /healthz and
 * the dashboard show the tree as stalled, and verify names the damage.
 */
async function signCheckpoint(store: AuditStore, key: KeyObject) {
  try {
    return await store.issueCheckpoint(key);
  } catch (error) {
    console.error(
      `No new checkpoint: ${error instanceof Error ? error.message : String(error)}.`,
      'New events are stored but not covered until the log is repaired; verify shows where.',
    );
    return store.latestCheckpoint();
  }
}

/**
 * The first admin, when there are no users: from ADMIN_EMAIL / ADMIN_PASSWORD, or, for
 * the demo, with a random password shown once. Otherwise the operator is told how.
 */
async function bootstrapAdmin(
  services: Services,
  config: Config,
): Promise<FirstAdmin | 'none' | 'exists'> {
  if (await services.accounts.hasUsers()) return 'exists';
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    return createAdmin(services, {
      email: config.ADMIN_EMAIL,
      name: config.ADMIN_NAME,
      password: config.ADMIN_PASSWORD,
    });
  }
  if (config.DEMO_DATA) {
    return createAdmin(services, {
      email: config.ADMIN_EMAIL ?? 'admin@example.com',
      name: config.ADMIN_NAME,
    });
  }
  return 'none';
}

function firstAdminMessage(admin: FirstAdmin | 'none' | 'exists'): string {
  if (admin === 'exists') return '';
  if (admin === 'none') {
    return 'No accounts yet: restart with ADMIN_EMAIL and ADMIN_PASSWORD set, or run `pnpm --filter @auditlog/server create-admin --email you@example.com`.';
  }
  return admin.generated
    ? `Created the first admin ${admin.email} with the password ${admin.password} (shown only now).`
    : `Created the first admin ${admin.email}.`;
}

main().catch((error: unknown) => {
  const known =
    error instanceof ConfigError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof DataDirectoryError ||
    error instanceof MigrationError;
  console.error(known ? `audit-log: ${error.message}` : error);
  process.exit(1);
});
