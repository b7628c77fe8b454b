import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client';
import { DURABLE_START_PARAMS, syncFilesToDisk } from './pglite-durability';
import { claimDataDirectory, makeFilesPrivate } from './pglite-files';
import { pgliteRawSql, pgRawSql, type RawSql } from './raw-sql';

export interface DatabaseConfig {
  /** A postgresql:// URL; without one the embedded PGlite database is used. */
  url?: string;
  /** Where PGlite keeps its files (required without a url); `memory://` keeps nothing. */
  dataDir?: string;
  /** How long to wait for PostgreSQL before giving up. */
  connectTimeoutMs?: number;
  /**
   * PGlite on disk syncs every commit to the disk (the default); false keeps PGlite's
   * own defaults, which leave commits in the OS's cache. Only the benchmark that
   * measures what durability costs turns it off.
   */
  durable?: boolean;
}

/**
 * An open database, as other packages see it: which kind, where, and how to close it.
 * Its connections stay inside this package (see connectionsOf): everything else reads
 * and writes through the stores.
 */
export interface Database {
  driver: 'pglite' | 'postgres';
  /** The PostgreSQL URL, for work that opens connections of its own (not for PGlite). */
  url?: string;
  /** Where the data lives, for start-up messages (never includes a password). */
  location: string;
  close(): Promise<void>;
}

/** Prisma for ordinary reads and writes, the driver beneath it for the rest. */
export interface Connections {
  prisma: PrismaClient;
  raw: RawSql;
  /** Runs `fn` when the database is closed, before its connections end. */
  onClose(fn: () => Promise<void>): void;
}

const connections = new WeakMap<Database, Connections>();

/** The connections of a database this package opened. */
export function connectionsOf(db: Database): Connections {
  const found = connections.get(db);
  if (!found) throw new Error('not a database opened by openDatabase()');
  return found;
}

function opened(db: Database, conns: Omit<Connections, 'onClose'>): Database {
  const closing: (() => Promise<void>)[] = [];
  const closeConnections = db.close;
  db.close = async () => {
    for (const fn of closing.splice(0)) await fn();
    await closeConnections();
  };
  connections.set(db, { ...conns, onClose: (fn) => closing.push(fn) });
  return db;
}

export class DatabaseUnavailableError extends Error {}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.url) return openPostgres(config.url, config.connectTimeoutMs ?? 5000);
  if (!config.dataDir) throw new Error('openDatabase needs a PostgreSQL url or a dataDir');
  return openPglite(config.dataDir, config.durable ?? true);
}

async function openPglite(dataDir: string, durable: boolean): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) await claimDataDirectory(dataDir);
  // In memory nothing survives the process anyway; on disk, commits are made durable.
  const durableOnDisk = durable && !inMemory;
  const pglite = await PGlite.create({
    ...(!inMemory && { dataDir }),
    // Free-text search's trigram indexes (migration 20261129050000_free_text_search).
    extensions: { pg_trgm },
    ...(durableOnDisk && { startParams: DURABLE_START_PARAMS }),
  });
  if (durableOnDisk) syncFilesToDisk(pglite);
  if (!inMemory) await makeFilesPrivate(dataDir);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return opened(
    {
      driver: 'pglite',
      location: inMemory ? 'embedded PGlite (in memory)' : `embedded PGlite in ${dataDir}`,
      async close() {
        await prisma.$disconnect();
        await pglite.close();
      },
    },
    { prisma, raw: pgliteRawSql(pglite) },
  );
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
  return opened(
    {
      driver: 'postgres',
      url,
      location,
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    },
    { prisma, raw: pgRawSql(pool) },
  );
}
