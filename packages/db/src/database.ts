import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client';
import { pgliteRawSql, pgRawSql, type RawSql } from './raw-sql';

export interface DatabaseConfig {
  /** A postgresql:// URL; without one the embedded PGlite database is used. */
  url?: string;
  /** Where PGlite keeps its files; `memory://` keeps nothing. */
  dataDir?: string;
  /** How long to wait for PostgreSQL before giving up. */
  connectTimeoutMs?: number;
}

export interface Database {
  prisma: PrismaClient;
  raw: RawSql;
  driver: 'pglite' | 'postgres';
  /** The PostgreSQL URL, for work that opens connections of its own (not for PGlite). */
  url?: string;
  /** Where the data lives, for start-up messages (never includes a password). */
  location: string;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {}

export async function openDatabase(config: DatabaseConfig = {}): Promise<Database> {
  return config.url
    ? openPostgres(config.url, config.connectTimeoutMs ?? 5000)
    : openPglite(config.dataDir ?? '.data');
}

async function openPglite(dataDir: string): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create(inMemory ? undefined : dataDir);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    raw: pgliteRawSql(pglite),
    driver: 'pglite',
    location: inMemory ? 'embedded PGlite (in memory)' : `embedded PGlite in ${dataDir}`,
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

async function openPostgres(url: string, connectTimeoutMs: number): Promise<Database> {
  const parsed = new URL(url);
  const location = `PostgreSQL at ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  // An idle client that loses its server emits 'error'; without a listener that would
  // crash the process instead of failing the next query.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw new DatabaseUnavailableError(
      `cannot reach ${location}: ${error instanceof Error ? error.message || error.name : String(error)}`,
    );
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    raw: pgRawSql(pool),
    driver: 'postgres',
    url,
    location,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
