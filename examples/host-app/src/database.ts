import { readFile } from 'node:fs/promises';
import { auditContext, OUTBOX_MIGRATION } from '@auditlog/client/prisma';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client';

/**
 * The host's database: PostgreSQL at `url`, else embedded PGlite (in `dataDir`, or in
 * memory). Its tables and the audit outbox are created when missing, and the Prisma
 * client is extended so every write carries the audit context to the outbox trigger.
 */
export async function openDatabase(options: { url?: string; dataDir?: string }) {
  const schema = await readFile(new URL('./schema.sql', import.meta.url), 'utf8');
  let base: PrismaClient;
  let close: () => Promise<void>;
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url });
    pool.on('error', () => {});
    await pool.query(OUTBOX_MIGRATION);
    await pool.query(schema);
    base = new PrismaClient({ adapter: new PrismaPg(pool) });
    close = () => pool.end();
  } else {
    const pglite = await PGlite.create(options.dataDir);
    await pglite.exec(OUTBOX_MIGRATION);
    await pglite.exec(schema);
    base = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    close = () => pglite.close();
  }
  const prisma = base.$extends(auditContext());
  return {
    prisma,
    async close() {
      await base.$disconnect();
      await close();
    },
  };
}

export type HostDatabase = Awaited<ReturnType<typeof openDatabase>>;
export type HostPrisma = HostDatabase['prisma'];
