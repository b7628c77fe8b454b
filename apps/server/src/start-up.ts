import type { KeyObject } from 'node:crypto';
import { createServices, type Services } from '@auditlog/api';
import { AccountStore, AuditStore, type Database, migrate, openDatabase } from '@auditlog/db';
import type { Config } from './config';
import { createAdmin, type FirstAdmin } from './first-admin';

export interface Opened {
  db: Database;
  store: AuditStore;
  services: Services;
  /** Where errors from background work go once the HTTP server's logger exists. */
  useLogger(log: { error(details: object, message: string): void }): void;
}

/** Opens the database (migrating it when asked) and everything the API needs over it. */
export async function openServices(
  config: Config,
  signingKey: KeyObject,
  options: { migrate: boolean },
): Promise<Opened> {
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  if (options.migrate) await migrate(db);
  // Integration failures are retried by the next append; until the HTTP server (and its
  // logger) exists they go to stderr.
  let log: { error(details: object, message: string): void } | undefined;
  const store = new AuditStore(db, {
    onIntegrationError: (err) =>
      log
        ? log.error({ err }, 'integrating events into the Merkle tree failed')
        : console.error('Integrating events into the Merkle tree failed:', err),
  });
  const services = createServices({
    store,
    accounts: new AccountStore(db),
    signingKey,
    retentionMinDays: config.RETENTION_MIN_DAYS,
    archiveDir: config.ARCHIVE_DIR,
    retentionIntervalMinutes: config.RETENTION_INTERVAL_MINUTES,
  });
  return {
    db,
    store,
    services,
    useLogger: (logger) => {
      log = logger;
    },
  };
}

/** What start-up did once, for the first lines the operator reads. */
export interface Prepared {
  firstAdmin: FirstAdmin | 'none' | 'exists';
  checkpoint: Awaited<ReturnType<typeof signCheckpoint>>;
}

/**
 * The work done once per start, before any request: demo data when asked, the first
 * admin, and a checkpoint over everything already stored.
 */
export async function prepareLog(opened: Opened, config: Config): Promise<Prepared> {
  if (config.DEMO_DATA) {
    // Loaded only for the demo: a production server never loads faker.
    const { seedDemoData } = await import('./demo-data');
    const seeded = await seedDemoData(opened.store);
    if (seeded > 0) console.log(`Seeded ${seeded} demo events.`);
  }
  const firstAdmin = await bootstrapAdmin(opened.services, config);
  const checkpoint = await signCheckpoint(opened.store, opened.services.signingKey);
  return { firstAdmin, checkpoint };
}

/**
 * Signs a checkpoint over every event; when the tree cannot take them in (the log was
 * damaged: an event it needs is missing), says so and returns the latest one instead.
 * The server still starts and stops: events keep being accepted and stored, /healthz and
 * the dashboard show the tree as stalled, and verify names the damage.
 */
export async function signCheckpoint(store: AuditStore, key: KeyObject) {
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
