export type { Context } from './context';
export { EXPORT_CONTENT_TYPES, exportChunks, exportFilename } from './export';
export { type AppRouter, appRouter, createCaller } from './root';
export { type VerificationJob, VerificationJobs } from './verification-jobs';
