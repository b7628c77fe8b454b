import type { KeyObject } from 'node:crypto';
import {
  type AccountStore,
  type AuditStore,
  directoryArchiveStorage,
  RetentionStore,
  SavedViewStore,
  VerificationRuns,
} from '@auditlog/db';
import { Credentials } from './auth/credentials';
import type { Principal } from './auth/principal';
import { CheckpointSigner } from './checkpoint-signer';
import { VerificationJobs } from './verification-jobs';

/** The session cookie, set and cleared through the HTTP layer that owns the response. */
export interface SessionCookie {
  set(token: string, expiresAt: Date): void;
  clear(): void;
}

/** What the server holds for every request: the log, the accounts, the signing key. */
export interface Services {
  store: AuditStore;
  accounts: AccountStore;
  /** Named views of the log, each person's and the team's. */
  views: SavedViewStore;
  /** Retention policy, legal holds and runs. */
  retention: RetentionStore;
  /** No policy may keep events fewer days than this (the operator's RETENTION_MIN_DAYS). */
  retentionMinDays: number;
  /** How often the server runs retention (RETENTION_INTERVAL_MINUTES); 0: on demand. */
  retentionIntervalMinutes: number;
  /** Verifies API keys and sessions (remembering them briefly). */
  credentials: Credentials;
  /** Ed25519 key that signs checkpoints. */
  signingKey: KeyObject;
  checkpoints: CheckpointSigner;
  verifications: VerificationJobs;
  /** Aborted when the server starts to shut down: live tails end, so closing need not wait. */
  shutdown: AbortController;
}

/** Who is calling, from where, and how to answer them. */
export interface Caller {
  /** The authenticated caller, or null. */
  principal: Principal | null;
  cookie: SessionCookie;
  /** The caller's address, as the server determined it (see TRUST_PROXY_HOPS). */
  ip: string | undefined;
  userAgent: string | undefined;
}

/** What every procedure sees. */
export type Context = Services & Caller;

export function createServices(input: {
  store: AuditStore;
  accounts: AccountStore;
  signingKey: KeyObject;
  retentionMinDays?: number;
  retentionIntervalMinutes?: number;
  /** Where retention archives are written (ARCHIVE_DIR); none: policies cannot archive. */
  archiveDir?: string;
}): Services {
  const { archiveDir, ...services } = input;
  return {
    ...services,
    views: new SavedViewStore(input.store.db),
    retention: new RetentionStore(input.store.db, {
      archives: archiveDir ? directoryArchiveStorage(archiveDir) : undefined,
    }),
    retentionMinDays: input.retentionMinDays ?? DEFAULT_RETENTION_MIN_DAYS,
    retentionIntervalMinutes: input.retentionIntervalMinutes ?? 0,
    credentials: new Credentials(input.accounts),
    checkpoints: new CheckpointSigner(input.store, input.signingKey),
    verifications: new VerificationJobs(new VerificationRuns(input.store.db)),
    shutdown: new AbortController(),
  };
}

/**
 * The floor under every retention period unless the operator sets another: above the
 * 7 days a client-chosen id may date an event back, so no month still open to a retried
 * event is ever dropped.
 */
export const DEFAULT_RETENTION_MIN_DAYS = 30;

/** The one way a context is built: by the tRPC adapter, the download routes and tests. */
export function createContext(services: Services, caller: Caller): Context {
  return { ...services, ...caller };
}
