import { parseArgs } from 'node:util';
import { runRetention } from '@auditlog/api';
import { loadConfig } from './config';
import { loadSigningKey } from './signing-key';
import { openServices } from './start-up';

/**
 * `retention [--dry-run]`: runs the retention policy once against the database the
 * server is configured for (beside a running server: runs never overlap), and records
 * the run in the log as the scheduler does.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } });
  const dryRun = values['dry-run'] ?? false;
  const config = loadConfig();
  const { db, store, services } = await openServices(config, (await loadSigningKey(config)).key, {
    migrate: false,
  });
  try {
    const run = await runRetention(
      { ...services, principal: null, ip: undefined, userAgent: undefined },
      dryRun,
    );
    console.log(
      `${dryRun ? 'Dry run: would delete' : 'Deleted'} ${run.deleted} event(s)` +
        `${run.partitionsDropped.length > 0 ? `; months dropped: ${run.partitionsDropped.join(', ')}` : ''}` +
        ` (run ${run.id}, from the checkpoint of ${run.checkpoint.treeSize} events).` +
        `${run.archive ? `\nArchived ${run.archive.events} event(s) first, read back and verified: ${run.archive.location} (sha256 ${run.archive.sha256}).` : ''}`,
    );
  } finally {
    await store.close();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(`retention: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
