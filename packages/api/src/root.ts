import { integrityRouter } from './routers/integrity';
import { logRouter } from './routers/log';
import { queryRouter } from './routers/query';
import { createCallerFactory, mergeRouters } from './trpc';

// Merged, not nested: the contract names procedures at the top level (`logAction`,
// `query`, `export`), as the seed's `logAction()` helper did.
export const appRouter = mergeRouters(logRouter, queryRouter, integrityRouter);

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
