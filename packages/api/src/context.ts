import type { KeyObject } from 'node:crypto';
import type { AuditStore } from '@auditlog/db';
import type { Principal } from './auth/principal';
import type { SignInLimiter } from './auth/rate-limit';
import type { VerificationJobs } from './verification-jobs';

/** The session cookie, set and cleared through the HTTP layer that owns the response. */
export interface SessionCookie {
  set(token: string, expiresAt: Date): void;
  clear(): void;
}

/** What every procedure sees: the log, the server's services, and who is calling. */
export interface Context {
  store: AuditStore;
  /** Ed25519 key that signs checkpoints. */
  signingKey: KeyObject;
  verifications: VerificationJobs;
  signInLimiter: SignInLimiter;
  /** The authenticated caller, or null. */
  principal: Principal | null;
  cookie: SessionCookie;
  /** The caller's address, as the server determined it (see TRUST_PROXY_HOPS). */
  ip: string | undefined;
  userAgent: string | undefined;
}
