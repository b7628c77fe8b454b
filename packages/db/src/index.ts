export type { AppendResult } from './append/append';
export { GroupCommitter, ShuttingDownError } from './append/group-commit';
export {
  type Database,
  type DatabaseConfig,
  DatabaseUnavailableError,
  openDatabase,
} from './database';
export type { ApiKey, PrismaClient, User } from './generated/prisma/client';
export { MigrationError, migrate } from './migrate/migrate';
export { type EventPage, InvalidCursorError, type Order } from './query/query';
export { AuditStore, type AuditStoreOptions } from './store';
export type { VerificationResult } from './tree/verify-tree';
