export {
  AccountError,
  AccountStore,
  type PublicApiKey,
  type PublicUser,
  type Role,
} from './accounts/account-store';
export type { SignInAttempt } from './accounts/sign-in-limits';
export type { AppendResult } from './append/append';
export { GroupCommitter, ShuttingDownError } from './append/group-commit';
export {
  type Database,
  type DatabaseConfig,
  DatabaseUnavailableError,
  openDatabase,
} from './database';
export { MigrationError, migrate } from './migrate/migrate';
export { DataDirectoryError } from './pglite-files';
export type { FacetCounts, FacetValue } from './query/facets';
export { type EventPage, InvalidCursorError, type Order } from './query/query';
export { type ArchiveStorage, directoryArchiveStorage } from './retention/archive-storage';
export { ArchiveError, type ArchiveRecord } from './retention/archive-writer';
export { RetentionBusyError, type RetentionRunRecord } from './retention/retention-run';
export {
  type LegalHold,
  type RetentionPreview,
  RetentionStore,
} from './retention/retention-store';
export { AuditStore, type AuditStoreOptions } from './store';
export { type VerificationRun, VerificationRuns } from './tree/verification-runs';
export type { VerificationResult } from './tree/verify-tree';
export {
  type SavedView,
  type SavedViewChange,
  SavedViewStore,
} from './views/saved-view-store';
