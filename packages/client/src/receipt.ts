import type { AuditEntry } from '@auditlog/audit';
import type { Delivery } from './client-options';
import type { NotDeliveredError } from './errors';

export type Outcome = { ok: true; delivery: Delivery } | { ok: false; error: NotDeliveredError };

/** One event on its way: queued, sending, or settled. */
export interface Item {
  entry: AuditEntry;
  /** Someone awaits its receipt. */
  awaited: boolean;
  /** Waiting in the queue (not yet sent, dropped or abandoned). */
  queued: boolean;
  outcome?: Outcome;
  /** Who waits for the outcome (made only when someone does). */
  listeners?: ((outcome: Outcome) => void)[];
}

/** Calls `listener` with the item's outcome, now or once it is known. */
export function whenSettled(item: Item, listener: (outcome: Outcome) => void): void {
  if (item.outcome) {
    listener(item.outcome);
    return;
  }
  item.listeners ??= [];
  item.listeners.push(listener);
}

/**
 * The outcome of one logAction: awaiting it waits until the server has stored the event
 * durably. Not awaiting it is fine too (fire and forget): a failure then reaches
 * onNotDelivered and the stats, never an unhandled rejection. No promise is made for an
 * event nobody awaits.
 */
export class Receipt implements PromiseLike<Delivery> {
  constructor(
    /** The event's id (UUIDv7), made here so a retry is stored once. */
    readonly id: string,
    private readonly item: Item,
    /** Tells the client someone waits for this event: it is sent without lingering. */
    private readonly awaited: (item: Item) => void,
  ) {}

  // biome-ignore lint/suspicious/noThenProperty: a receipt is awaitable by design.
  then<A = Delivery, B = never>(
    onFulfilled?: ((value: Delivery) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.awaited(this.item);
    return new Promise<Delivery>((resolve, reject) =>
      whenSettled(this.item, (o) => (o.ok ? resolve(o.delivery) : reject(o.error))),
    ).then(onFulfilled, onRejected);
  }
}
