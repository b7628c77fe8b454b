import type { KeyObject } from 'node:crypto';
import type { AuditStore } from '@auditlog/db';
import type { VerificationJobs } from './verification-jobs';

/** What every procedure sees: the log, the server's signing key, and the caller. */
export interface Context {
  store: AuditStore;
  /** Ed25519 key that signs checkpoints. */
  signingKey: KeyObject;
  verifications: VerificationJobs;
  /** The caller's address, as the server determined it. */
  ip: string | undefined;
  userAgent: string | undefined;
}
