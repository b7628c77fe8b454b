import { apiKeysRouter } from './routers/api-keys';
import { authRouter } from './routers/auth';
import { importsRouter } from './routers/imports';
import { integrityRouter } from './routers/integrity';
import { logRouter } from './routers/log';
import { privacyRouter } from './routers/privacy';
import { queryRouter } from './routers/query';
import { retentionRouter } from './routers/retention';
import { tailRouter } from './routers/tail';
import { usersRouter } from './routers/users';
import { viewsRouter } from './routers/views';
import { createCallerFactory, mergeRouters, router } from './trpc';

// The owner's contract names `logAction`, `logMany`, `query` and `export` at the top
// level, as the seed's `logAction()` helper did; everything else is in a namespace that
// says what it is.
export const appRouter = mergeRouters(
  logRouter,
  queryRouter,
  tailRouter,
  router({
    integrity: integrityRouter,
    privacy: privacyRouter,
    auth: authRouter,
    users: usersRouter,
    apiKeys: apiKeysRouter,
    views: viewsRouter,
    retention: retentionRouter,
    imports: importsRouter,
  }),
);

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
