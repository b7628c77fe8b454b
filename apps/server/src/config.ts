import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RETENTION_MIN_DAYS } from '@auditlog/api';
import { z } from 'zod';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const flag = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

const WILDCARD_HOSTS = ['0.0.0.0', '::', '[::]'];

const configSchema = z
  .object({
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z
      .url({ protocol: /^postgres(ql)?$/, message: 'must be a postgresql:// URL' })
      .optional(),
    DATA_DIR: z.string().min(1).default(`${REPO_ROOT}.data`),
    DEMO_DATA: flag.default(false),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    WEB_DIST: z.string().min(1).default(`${REPO_ROOT}apps/web/dist`),
    /** Ed25519 private key (PKCS#8 PEM) that signs checkpoints; overrides the key file. */
    SIGNING_KEY: z
      .string()
      .startsWith('-----BEGIN PRIVATE KEY-----', 'must be a PKCS#8 PEM private key')
      .optional(),
    /** Where the signing key is kept; generated there on first start when absent. */
    SIGNING_KEY_FILE: z.string().min(1).optional(),
    /** How often to sign a checkpoint when the log has grown; 0 signs only on demand. */
    CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
    /** How often to run the retention policy; 0 runs it only on demand (CLI, API). */
    RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(60),
    /**
     * The fewest days any retention period may keep events: no admin can go below it.
     * At least 8, above the 7 days a client-chosen event id may date an event back.
     */
    RETENTION_MIN_DAYS: z.coerce
      .number()
      .int()
      .min(8)
      .max(36_500)
      .default(DEFAULT_RETENTION_MIN_DAYS),
    /**
     * Where retention writes archives of what it deletes, when the policy asks (gzip NDJSON,
     * verifiable offline with `verify-archive`). Unset: policies cannot archive.
     */
    ARCHIVE_DIR: z.string().min(1).optional(),
    /**
     * How many reverse proxies stand in front of the server. 0 (the default) takes the
     * client's address from the socket and ignores X-Forwarded-For; N takes the address
     * the N-th proxy from the right saw, so a client cannot forge it.
     */
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
    /** Mark the session cookie Secure (set this when the dashboard is served over HTTPS). */
    COOKIE_SECURE: flag.default(false),
    /**
     * The host names clients reach the server by, comma-separated; other Host headers are
     * refused (DNS rebinding). Default: HOST, localhost, 127.0.0.1 and [::1]. `*` accepts
     * any, for a proxy in front that checks them itself.
     */
    ALLOWED_HOSTS: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean),
      )
      .optional(),
    /** The first admin, created at start-up when there are no users yet. */
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
    ADMIN_NAME: z.string().min(1).default('Administrator'),
    /**
     * Server processes sharing the port, on PostgreSQL (default: one per core). The
     * embedded database lives inside one process, so it always has one.
     */
    WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  })
  .superRefine((config, ctx) => {
    if (config.WORKERS !== undefined && config.WORKERS > 1 && !config.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['WORKERS'],
        message: 'the embedded database runs in one process: set DATABASE_URL for more',
      });
    }
    // Listening everywhere, the names clients use cannot be guessed: they must be given.
    if (WILDCARD_HOSTS.includes(config.HOST) && !config.ALLOWED_HOSTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALLOWED_HOSTS'],
        message: `must name the hosts clients use when HOST=${config.HOST} (or be *)`,
      });
    }
  });

/** The Host names the server answers for (null: any). */
export function allowedHosts(config: Pick<Config, 'HOST' | 'ALLOWED_HOSTS'>): string[] | null {
  if (config.ALLOWED_HOSTS?.includes('*')) return null;
  return (
    config.ALLOWED_HOSTS ?? [
      ...new Set([config.HOST.toLowerCase(), 'localhost', '127.0.0.1', '[::1]']),
    ]
  );
}

/** How many server processes to run: WORKERS, else one per core on PostgreSQL. */
export function workerCount(config: Pick<Config, 'WORKERS' | 'DATABASE_URL'>): number {
  if (!config.DATABASE_URL) return 1;
  return config.WORKERS ?? availableParallelism();
}

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {}

/** Reads the environment once at start-up; a bad value stops the server with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = configSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) =>
        `  ${issue.path.join('.')}=${JSON.stringify(env[String(issue.path[0])])}: ${issue.message}`,
    );
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
