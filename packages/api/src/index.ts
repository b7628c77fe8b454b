export { apiKeyPrincipal, createApiKey } from './auth/api-keys';
export {
  can,
  type Permission,
  type Principal,
  REFUSALS,
  type Scope,
  scopes,
} from './auth/principal';
export { sessionPrincipal } from './auth/sessions';
export { CheckpointSigner } from './checkpoint-signer';
export {
  type Caller,
  type Context,
  createContext,
  createServices,
  type Services,
  type SessionCookie,
} from './context';
export { errorIdOf, internalErrorMessage } from './errors';
export { EXPORT_CONTENT_TYPES, exportChunks, exportFilename } from './export';
export { recordOwnAction } from './own-actions';
export { type AppRouter, appRouter, createCaller } from './root';
export type { RouterInputs, RouterOutputs } from './types';
export { createUserAccount } from './user-accounts';
export { type VerificationJob, VerificationJobs } from './verification-jobs';
