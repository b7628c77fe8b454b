import { connectionsOf, type Database } from '../database';
import type { Prisma } from '../generated/prisma/client';
import { listenOnPostgres } from '../notifications';

const CHANNEL = 'auditlog_credentials';

/**
 * Says, to whoever caches verified credentials, that some may no longer hold: a key was
 * revoked, an account disabled or its role or password changed, a session ended.
 *
 * In this process listeners hear it as soon as the change commits. Other server
 * processes on the same PostgreSQL hear it through NOTIFY, which the change sends inside
 * its own transaction (delivered only if it commits). While the listening connection is
 * down, `reliable` is false: a change elsewhere could go unheard, so caches must not be
 * trusted until it is back. The embedded database has one process, so it always is.
 */
export class CredentialChanges {
  private readonly listeners = new Set<() => void>();
  private listening: boolean;

  constructor(db: Database) {
    this.listening = db.driver !== 'postgres';
    if (db.driver === 'postgres' && db.url) {
      const listener = listenOnPostgres(db.url, CHANNEL, {
        onNotice: () => this.fire(),
        onListening: (listening) => {
          this.listening = listening;
          // Whatever was cached before a gap may have been revoked during it.
          this.fire();
        },
      });
      connectionsOf(db).onClose(() => listener.close());
    }
  }

  /** Whether every change, here or in another process, is heard. */
  get reliable(): boolean {
    return this.listening;
  }

  /** Calls `fn` on every change; returns how to stop. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Tells other processes, on commit of the transaction `tx`. */
  async announce(tx: Pick<Prisma.TransactionClient, '$executeRaw'>): Promise<void> {
    await tx.$executeRaw`SELECT pg_notify(${CHANNEL}, '')`;
  }

  /** Tells this process (after the change committed). */
  fire(): void {
    for (const fn of this.listeners) fn();
  }
}
