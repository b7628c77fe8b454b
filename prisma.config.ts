import { defineConfig } from 'prisma/config';

// The server picks its database at run time (embedded PGlite unless DATABASE_URL is set);
// this file serves the Prisma CLI, which needs a URL only for `migrate` and `studio`.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/audit' },
});
