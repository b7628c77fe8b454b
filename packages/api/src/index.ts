export { createApiKey } from './auth/api-keys';
export type { Credentials } from './auth/credentials';
export type { Principal, Scope } from './auth/principal';
export {
  type Caller,
  type Context,
  createContext,
  createServices,
  DEFAULT_RETENTION_MIN_DAYS,
  type Services,
  type SessionCookie,
} from './context';
export { errorIdOf, internalErrorMessage } from './errors';
export { EXPORT_CONTENT_TYPES, exportFilename } from './export';
export {
  ImportBatch,
  type ImportSummary,
  problemsMessage,
  recordImport,
  storeImported,
} from './import-events';
export { runRetention } from './retention-runs';
export { type AppRouter, appRouter, createCaller } from './root';
export type { RouterInputs, RouterOutputs } from './types';
export { createUserAccount } from './user-accounts';
export type { VerificationJob } from './verification-jobs';
