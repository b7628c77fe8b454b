import cluster from 'node:cluster';
import { createPublicKey } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { DatabaseUnavailableError, DataDirectoryError, MigrationError } from '@auditlog/db';
import { reportListening, runWorkers, workerIndex } from './cluster';
import { ConfigError, loadConfig, workerCount } from './config';
import type { FirstAdmin } from './first-admin';
import { serve } from './serve';
import { loadSigningKey } from './signing-key';
import { openServices, prepareLog } from './start-up';

async function main(): Promise<void> {
  const config = loadConfig();
  if (cluster.isWorker) {
    // The primary migrated and prepared the log; a worker only serves.
    const signing = await loadSigningKey(config);
    const opened = await openServices(config, signing.key, { migrate: false });
    reportListening(await serve(config, opened, { schedule: workerIndex() === 0 }));
    return;
  }

  // Private from the start: it holds the signing key and, embedded, the database.
  await mkdir(config.DATA_DIR, { recursive: true, mode: 0o700 });
  const signing = await loadSigningKey(config);
  const opened = await openServices(config, signing.key, { migrate: true });
  const prepared = await prepareLog(opened, config);
  const workers = workerCount(config);
  let address: string;
  if (workers > 1) {
    await opened.store.close();
    await opened.db.close();
    address = await runWorkers(workers);
  } else {
    address = await serve(config, opened, { schedule: true });
  }

  const publicKey = createPublicKey(signing.key).export({ type: 'spki', format: 'pem' });
  const { checkpoint } = prepared;
  console.log(
    [
      `Audit log listening on ${address} (${opened.db.location}${workers > 1 ? `, ${workers} processes` : ''}); dashboard at ${address}/`,
      `Checkpoints are signed with the Ed25519 key in ${signing.origin}; its public key:`,
      publicKey.toString().trim(),
      checkpoint
        ? `Latest checkpoint: ${checkpoint.treeSize} events, root ${checkpoint.rootHash}`
        : 'No checkpoint signed yet.',
      firstAdminMessage(prepared.firstAdmin),
    ].join('\n'),
  );
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
