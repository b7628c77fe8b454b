import { readFileSync } from 'node:fs';
import type { AuditClient } from '../audit-client';
import type { LogInput } from '../client-options';
import { AuditInputError, NotDeliveredError } from '../errors';

/** The outbox migration (table, trigger, audit_enable), to apply in the host's database. */
export const OUTBOX_MIGRATION = readFileSync(new URL('./outbox.sql', import.meta.url), 'utf8');

/** What the relay needs of a Prisma client: raw statements. */
export interface OutboxDatabase {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
}

export interface OutboxRelayOptions {
  /** Events claimed at a time. Default 500. */
  batch?: number;
  /** How long to wait when the outbox is empty. Default 500 ms. */
  intervalMs?: number;
  /** How long a claim lasts: a relay that dies lets its events go after this. Default 60 s. */
  claimSeconds?: number;
  /** Hears of events the audit log refused (they stay in the outbox, with the reason). */
  onRefused?: (id: string, reason: string) => void;
  onError?: (error: unknown) => void;
}

/**
 * Delivers the outbox to the audit log: claims a batch (FOR UPDATE SKIP LOCKED, so any
 * number of relays share the work), sends each event with its own id through the client,
 * and deletes what the log has stored. A relay that dies after sending and before
 * deleting leaves the events to be sent again when its claim lapses; the log stores each
 * id once, so every change is delivered exactly once. An event the log refuses stays in
 * the outbox with the reason, never retried, for a person to look at.
 */
export function createOutboxRelay(
  audit: AuditClient,
  db: OutboxDatabase,
  options: OutboxRelayOptions = {},
) {
  const { batch = 500, intervalMs = 500, claimSeconds = 60 } = options;
  let running: Promise<void> | undefined;
  let stopping = false;
  let wake: (() => void) | undefined;

  /** Relays one batch; resolves with how many events it claimed. */
  async function relayOnce(): Promise<number> {
    const rows = await db.$queryRawUnsafe<{ id: string; entry: LogInput }[]>(
      `UPDATE "AuditOutbox" SET "claimedUntil" = clock_timestamp() + make_interval(secs => $2)
       WHERE id IN (
         SELECT id FROM "AuditOutbox"
         WHERE error IS NULL AND ("claimedUntil" IS NULL OR "claimedUntil" < clock_timestamp())
         ORDER BY "createdAt", id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id::text, entry`,
      batch,
      claimSeconds,
    );
    if (rows.length === 0) return 0;
    const delivered: string[] = [];
    const refused: [string, string][] = [];
    await Promise.all(
      rows.map(async ({ id, entry }) => {
        try {
          await audit.logAction(entry);
          delivered.push(id);
        } catch (error) {
          if (error instanceof AuditInputError) refused.push([id, error.message]);
          else if (error instanceof NotDeliveredError && error.reason === 'refused') {
            refused.push([id, error.message]);
          }
          // Anything else (the client closed) is sent again once the claim lapses.
        }
      }),
    );
    if (delivered.length > 0) {
      await db.$executeRawUnsafe('DELETE FROM "AuditOutbox" WHERE id = ANY($1::uuid[])', delivered);
    }
    for (const [id, reason] of refused) {
      await db.$executeRawUnsafe(
        'UPDATE "AuditOutbox" SET error = $2 WHERE id = $1::uuid',
        id,
        reason,
      );
      options.onRefused?.(id, reason);
    }
    return rows.length;
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      let claimed = 0;
      try {
        claimed = await relayOnce();
      } catch (error) {
        (options.onError ?? ((e) => console.error('audit outbox relay:', e)))(error);
      }
      if (claimed === 0 && !stopping) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, intervalMs);
        });
      }
    }
  }

  return {
    /** Starts relaying in the background until stop(). */
    start() {
      stopping = false;
      running ??= loop().finally(() => {
        running = undefined;
      });
    },
    /** Relays until the outbox holds nothing it can send; resolves with how many it sent. */
    async drain(): Promise<number> {
      let total = 0;
      for (let n = await relayOnce(); n > 0; n = await relayOnce()) total += n;
      return total;
    },
    /** Finishes the batch under way and stops. */
    async stop() {
      stopping = true;
      wake?.();
      await running;
    },
  };
}
