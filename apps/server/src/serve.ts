import cluster from 'node:cluster';
import { runRetention } from '@auditlog/api';
import { RetentionBusyError } from '@auditlog/db';
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { allowedHosts, type Config } from './config';
import { type Opened, signCheckpoint } from './start-up';

const SUMMARY_INTERVAL_MS = 3_600_000;

/**
 * Serves HTTP over opened services until a signal says stop. `schedule` runs the
 * periodic checkpoint signer, retention and month summaries: in one process only, when
 * several share the database.
 * Resolves with the address once listening.
 */
export async function serve(
  config: Config,
  opened: Opened,
  options: { schedule: boolean },
): Promise<string> {
  const { db, store, services } = opened;
  const app = await buildApp({
    services,
    webDist: config.WEB_DIST,
    logger: { level: config.LOG_LEVEL },
    trustProxyHops: config.TRUST_PROXY_HOPS,
    cookieSecure: config.COOKIE_SECURE,
    allowedHosts: allowedHosts(config),
  });
  opened.useLogger(app.log);

  const timer =
    options.schedule && config.CHECKPOINT_INTERVAL_SECONDS > 0
      ? setInterval(() => {
          services.checkpoints.sign().catch((err: unknown) => {
            app.log.error({ err }, 'could not sign a checkpoint');
          });
        }, config.CHECKPOINT_INTERVAL_SECONDS * 1000)
      : undefined;
  // Retention runs take a lease in the database, so a run here never overlaps one from
  // another process or the CLI; a busy one is simply skipped until the next tick.
  const retention =
    options.schedule && config.RETENTION_INTERVAL_MINUTES > 0
      ? setInterval(() => {
          runRetention(
            { ...services, principal: null, ip: undefined, userAgent: undefined },
            false,
          ).catch((err: unknown) => {
            if (!(err instanceof RetentionBusyError))
              app.log.error({ err }, 'retention run failed');
          });
        }, config.RETENTION_INTERVAL_MINUTES * 60_000)
      : undefined;
  // A run that drops a month takes what it records from the month's summary rather than
  // reading the month while appends compete for the disk: months are summarised here once
  // sealed, which costs a catalogue query when every month already is. Also a minute
  // after start, so that a server restarted more often than hourly still gets to it.
  const summarise = () => {
    services.retention.summarizeSealedMonths().catch((err: unknown) => {
      app.log.error({ err }, 'could not summarise sealed months');
    });
  };
  const summaries = options.schedule ? setInterval(summarise, SUMMARY_INTERVAL_MS) : undefined;
  const firstSummaries = options.schedule ? setTimeout(summarise, 60_000) : undefined;

  // In a worker, the terminal's SIGINT and SIGHUP reach every process at once: the
  // primary alone answers them, by sending each worker the SIGTERM handled here.
  const fromPrimary: ('SIGINT' | 'SIGHUP')[] = cluster.isWorker ? ['SIGINT', 'SIGHUP'] : [];
  for (const signal of fromPrimary) process.on(signal, () => {});
  // On SIGINT/SIGTERM: stop accepting connections, let in-flight requests finish (each
  // logAction answers only after its commit), drain the group-commit queue, sign a last
  // checkpoint over everything accepted, then close the database. Nothing a caller was
  // told is stored can be lost on the way out.
  closeWithGrace({ delay: 20_000, skip: fromPrimary }, async ({ err, signal }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    clearInterval(timer);
    clearInterval(retention);
    clearInterval(summaries);
    clearTimeout(firstSummaries);
    await app.close();
    await services.verifications.idle();
    await store.close();
    await signCheckpoint(store, services.signingKey);
    await db.close();
  });

  return app.listen({ host: config.HOST, port: config.PORT });
}
