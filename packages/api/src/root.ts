import { apiKeysRouter } from './routers/api-keys';
import { authRouter } from './routers/auth';
import { integrityRouter } from './routers/integrity';
import { logRouter } from './routers/log';
import { queryRouter } from './routers/query';
import { usersRouter } from './routers/users';
import { createCallerFactory, mergeRouters, router } from './trpc';

// Merged, not nested: the contract names procedures at the top level (`logAction`,
// `query`, `export`), as the seed's `logAction()` helper did.
export const appRouter = mergeRouters(
  logRouter,
  queryRouter,
  integrityRouter,
  router({ auth: authRouter, users: usersRouter, apiKeys: apiKeysRouter }),
);

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
