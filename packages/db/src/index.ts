export type { AppendResult } from './append';
export {
  type Database,
  type DatabaseConfig,
  DatabaseUnavailableError,
  openDatabase,
} from './database';
export type { ApiKey, PrismaClient, User } from './generated/prisma/client';
export { GroupCommitter, ShuttingDownError } from './group-commit';
export { MigrationError, migrate } from './migrate';
export { type EventPage, InvalidCursorError, type Order } from './query';
export { AuditStore, type AuditStoreOptions } from './store';
export type { VerificationResult } from './verify-log';
