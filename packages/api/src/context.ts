import type { AuditStore } from '@auditlog/db';

/** What every procedure sees: the log, and who is calling from where. */
export interface Context {
  store: AuditStore;
  /** The caller's address, as the server determined it. */
  ip: string | undefined;
  userAgent: string | undefined;
}
