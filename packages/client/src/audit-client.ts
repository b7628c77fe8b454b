import {
  type AuditEntry,
  auditEntrySchema,
  type JsonObject,
  LIMITS,
  newEventId,
} from '@auditlog/audit';
import { z } from 'zod';
import { BatchBody } from './batch-body';
import type { AuditClientOptions, AuditClientStats, Delivery, LogInput } from './client-options';
import { currentAuditContext } from './context';
import { AuditInputError, NotDeliveredError, QueueFullError } from './errors';
import { logManyRequest } from './log-many';
import { type Item, type Outcome, Receipt, whenSettled } from './receipt';
import { redact, redactChanges } from './redact';
import { backoffMs, isRetryable, retryAfterMs, statusOf } from './retry';

// A request body's bound: the server's, less a margin that dates from when tRPC's client
// wrapped the events (BatchBody counts the array's own brackets and commas).
const REQUEST_BYTES = LIMITS.requestBytes - 64 * 1024;

// The entry is built as one literal of the schema's fields rather than by spreading the
// caller's object and overriding some of them: redefining spread properties missed V8's
// inline caches on every call (5 µs a call in a tight loop against 0.04 µs for the
// literal), and zod's reads of the result missed too. It was half of logAction's time in
// a host app.
const ENTRY_KEYS = new Set(Object.keys(auditEntrySchema.shape));

// Compiled to generated code where the runtime allows it (Node, Bun, Deno): 2.6 µs an
// event against 6 µs in zod's interpreter, measured in a loop. Where code generation is
// refused (a Worker, a page's Content-Security-Policy) z.compile hands back the schema
// unchanged.
const entrySchema = z.compile(auditEntrySchema);

function hasUnknownKey(input: object): boolean {
  for (const key in input) if (!ENTRY_KEYS.has(key)) return true;
  return false;
}

export type AuditClient = ReturnType<typeof createAuditClient>;

/**
 * The SDK: validates each event where it is made, gives it a UUIDv7 id, and delivers
 * events in batches through logMany, retrying until the server takes them (a retried
 * event is stored once, by its id).
 */
export function createAuditClient(options: AuditClientOptions) {
  const maxBatch = Math.min(options.maxBatch ?? 500, LIMITS.batch);
  const maxInFlight = options.maxInFlight ?? 2;
  const lingerMs = options.lingerMs ?? 50;
  const maxQueue = options.maxQueue ?? 10_000;
  const whenFull = options.whenFull ?? 'block';
  const { baseMs = 100, maxMs = 10_000 } = options.retry ?? {};
  const logMany = logManyRequest({ ...options, maxInFlight });

  const queue: Item[] = [];
  const blocked: Item[] = [];
  // Taken and not yet settled: what flush() waits for.
  const pending = new Set<Item>();
  const stats = { delivered: 0, dropped: 0, refused: 0, abandoned: 0, retries: 0, requests: 0 };
  // Events in requests under way, and those requests (at most maxInFlight).
  let sending = 0;
  let requestsUnderWay = 0;
  let pumpScheduled = false;
  let linger: NodeJS.Timeout | undefined;
  // The linger is over: the next batch goes however small it is.
  let lingered = false;
  // Queued events someone awaits: while there are any, nothing lingers.
  let awaitedQueued = 0;
  let closed = false;
  // While a flush waits, batches go without lingering.
  let flushing = 0;
  // Set by close() when its time is up: retries stop and what is left is abandoned.
  let abandon = false;
  const wake = new Set<() => void>();

  function enqueue(item: Item) {
    item.queued = true;
    if (item.awaited) awaitedQueued += 1;
    queue.push(item);
  }

  function dequeue(item: Item | undefined): Item | undefined {
    if (item?.queued) {
      item.queued = false;
      if (item.awaited) awaitedQueued -= 1;
    }
    return item;
  }

  function settle(item: Item, outcome: Outcome) {
    item.outcome = outcome;
    pending.delete(item);
    for (const listener of item.listeners ?? []) listener(outcome);
    item.listeners = undefined;
  }

  function notDelivered(item: Item, error: NotDeliveredError) {
    options.onNotDelivered?.(item.entry, error);
    settle(item, { ok: false, error });
  }

  /** The entry as it will be sent: context filled in, secrets masked, checked. */
  function prepare(input: LogInput): AuditEntry {
    const context = currentAuditContext();
    const actor = context?.actor;
    const entry = {
      id: input.id ?? newEventId(),
      actorId: input.actorId ?? actor?.id,
      actorEmail: input.actorEmail ?? actor?.email ?? '',
      actorType: input.actorType ?? actor?.type,
      action: input.action,
      outcome: input.outcome,
      resourceType: input.resourceType,
      resourceId: input.resourceId,
      metadata: input.metadata && (redact(input.metadata, options.redact) as JsonObject),
      changes: input.changes && redactChanges(input.changes, options.redact),
      ip: input.ip ?? context?.ip,
      userAgent: input.userAgent ?? context?.userAgent,
      requestId: input.requestId ?? context?.requestId,
    };
    // Keys the schema does not know are passed on only when there are any, so that the
    // schema refuses them by name.
    const parsed = entrySchema.safeParse(hasUnknownKey(input) ? { ...input, ...entry } : entry);
    if (!parsed.success) throw new AuditInputError(parsed.error.issues);
    return parsed.data;
  }

  function logAction(input: LogInput): Receipt {
    if (closed) throw new Error('the audit client is closed');
    const entry = prepare(input);
    if (whenFull === 'throw' && queue.length + sending >= maxQueue) {
      throw new QueueFullError(maxQueue);
    }
    const item: Item = { entry, awaited: false, queued: false };
    pending.add(item);
    admit(item);
    return new Receipt(entry.id as string, item, awaiting);
  }

  /** Someone awaits the item's receipt: it goes without lingering. */
  function awaiting(item: Item) {
    if (item.awaited) return;
    item.awaited = true;
    if (item.queued) {
      awaitedQueued += 1;
      pumpSoon();
    }
  }

  function admit(item: Item) {
    if (queue.length + sending >= maxQueue) {
      if (whenFull === 'block') {
        blocked.push(item);
        return;
      }
      const oldest = dequeue(queue.shift());
      if (oldest) {
        stats.dropped += 1;
        notDelivered(
          oldest,
          new NotDeliveredError('dropped', 'dropped to make room: the audit queue was full'),
        );
      }
    }
    enqueue(item);
    pumpSoon();
  }

  /**
   * Pumps once the callers running now have had their turn: callers woken together (the
   * answer to one request settles many receipts) log their next events in the same turn,
   * and those go in one request rather than the first alone and the rest in another.
   * Under 64 awaiting callers a request carried 64 events instead of 20.
   */
  function pumpSoon() {
    if (pumpScheduled || lingering()) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      pump();
    });
  }

  /**
   * A linger timer is set and nothing has changed that would cut it short: the timer will
   * pump. Saves a wake-up per event in a host that logs one event a request.
   */
  function lingering(): boolean {
    return linger !== undefined && queue.length < maxBatch && blocked.length === 0 && !hurry();
  }

  function hurry(): boolean {
    return awaitedQueued > 0 || closed || flushing > 0 || lingered;
  }

  /** Callers held back under `block` take the room there is. */
  function admitBlocked() {
    while (blocked.length > 0 && queue.length + sending < maxQueue) {
      enqueue(blocked.shift() as Item);
    }
  }

  function pump() {
    // Room made by a finished request: the queue may be empty while callers wait.
    admitBlocked();
    while (requestsUnderWay < maxInFlight && queue.length > 0) {
      if (lingerMs > 0 && queue.length < maxBatch && !hurry()) {
        linger ??= setTimeout(() => {
          linger = undefined;
          lingered = true;
          pump();
        }, lingerMs);
        return;
      }
      lingered = false;
      const batch: Item[] = [];
      // Serialised here, in one tight loop per batch, rather than in each logAction call.
      const body = new BatchBody(REQUEST_BYTES);
      while (batch.length < maxBatch && queue.length > 0) {
        if (!body.add(JSON.stringify((queue[0] as Item).entry))) break;
        batch.push(dequeue(queue.shift()) as Item);
      }
      sending += batch.length;
      requestsUnderWay += 1;
      admitBlocked();
      void deliver(batch, body.finish()).finally(() => {
        sending -= batch.length;
        requestsUnderWay -= 1;
        pumpSoon();
      });
    }
  }

  /** Sends a batch (`body` is its events' JSON) until the server takes or refuses it. */
  async function deliver(batch: Item[], body: Uint8Array): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        stats.requests += 1;
        const results = await logMany.send(body);
        for (const [i, item] of batch.entries()) {
          settle(item, { ok: true, delivery: results[i] as Delivery });
        }
        stats.delivered += batch.length;
        return;
      } catch (error) {
        if (isRetryable(error) && !abandon) {
          stats.retries += 1;
          await pause(Math.max(backoffMs(attempt, baseMs, maxMs), retryAfterMs(error) ?? 0));
          if (!abandon) continue;
        }
        if (abandon) {
          stats.abandoned += batch.length;
          for (const item of batch) {
            notDelivered(
              item,
              new NotDeliveredError('closed', 'not delivered before close() gave up', {
                cause: error,
              }),
            );
          }
          return;
        }
        // One entry the server refuses must not take the rest of its batch with it.
        if (batch.length > 1 && statusOf(error) === 400) {
          await Promise.all(batch.map((item) => deliver([item], bodyOf(item))));
          return;
        }
        stats.refused += batch.length;
        for (const item of batch) {
          notDelivered(
            item,
            new NotDeliveredError('refused', `the audit server refused it: ${String(error)}`, {
              cause: error,
            }),
          );
        }
        return;
      }
    }
  }

  function bodyOf(item: Item): Uint8Array {
    const body = new BatchBody(REQUEST_BYTES);
    body.add(JSON.stringify(item.entry));
    return body.finish();
  }

  /** Waits `ms`, or less when close() gives up. */
  function pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake.add(done);
    });
  }

  /** Sends whatever waits now, and resolves once every event taken so far has settled. */
  async function flush(): Promise<void> {
    if (linger) {
      clearTimeout(linger);
      linger = undefined;
    }
    flushing += 1;
    try {
      pump();
      await Promise.all(
        [...pending].map((item) => new Promise((resolve) => whenSettled(item, resolve))),
      );
    } finally {
      flushing -= 1;
    }
  }

  return {
    logAction,
    flush,
    /**
     * Takes no more events and delivers every one already taken, retrying as long as
     * `timeoutMs` allows (default: for ever); what is still undelivered then is abandoned
     * (counted, and reported through onNotDelivered). Call it before the process exits.
     */
    async close(closeOptions: { timeoutMs?: number } = {}): Promise<AuditClientStats> {
      closed = true;
      const timer =
        closeOptions.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              abandon = true;
              for (const done of wake) done();
              // Requests under way fail now (node:http), rather than when the server answers.
              logMany.close();
              for (const item of queue
                .splice(0)
                .map((i) => dequeue(i) as Item)
                .concat(blocked.splice(0))) {
                stats.abandoned += 1;
                notDelivered(
                  item,
                  new NotDeliveredError('closed', 'not delivered before close() gave up'),
                );
              }
            }, closeOptions.timeoutMs);
      await flush();
      clearTimeout(timer);
      logMany.close();
      return this.stats();
    },
    stats(): AuditClientStats {
      return { queued: queue.length + blocked.length, sending, ...stats };
    },
  };
}
