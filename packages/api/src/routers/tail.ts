import { setTimeout as sleep } from 'node:timers/promises';
import { eventFilterSchema } from '@auditlog/audit';
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { readProcedure, router } from '../trpc';

/** How often a live tail looks for new events; a view is at most this far behind. */
const POLL_MS = 1000;
/** Events sent at most per look; more wait for the next, at once. */
const BATCH = 200;

export const tailRouter = router({
  /**
   * New events matching the view, as they are committed, over Server-Sent Events. Each
   * carries its seq as its id: a client that reconnects sends the last one it saw
   * (`lastEventId`) and resumes right after it, with no event missed or sent twice. It
   * reads PostgreSQL, not this process's memory, so it sees what every server process
   * writes.
   */
  tail: readProcedure
    .input(
      z.object({
        filter: eventFilterSchema.default({}),
        lastEventId: z.string().regex(/^\d+$/, 'must be an event seq').nullish(),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const stop = AbortSignal.any([ctx.shutdown.signal, ...(signal ? [signal] : [])]);
      // Past the last event sent, or, on a first connection, the newest committed one.
      let after = input.lastEventId ? Number(input.lastEventId) : (await ctx.store.size()) - 1;
      while (!stop.aborted) {
        // Everything up to the log's size is committed: past it, nothing is skipped.
        const upTo = (await ctx.store.size()) - 1;
        const events = await ctx.store.eventsAfter(input.filter, after, upTo, BATCH);
        for (const event of events) yield tracked(String(event.seq), event);
        after = events.length === BATCH ? (events.at(-1)?.seq ?? upTo) : upTo;
        if (events.length === BATCH) continue;
        await sleep(POLL_MS, undefined, { signal: stop }).catch(() => undefined);
      }
    }),
});
