import type { AuditEvent, EventFilter } from '@auditlog/audit';
import { skipToken } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '../trpc';

/** How far down the page a reader is "away": new events wait for them, counted. */
const AWAY_PX = 200;

/**
 * New events of the view while `on`: the tail starts after the newest event the table
 * shows (so nothing between the page and the tail is missed), and they come newest first.
 * While the reader has scrolled away they are held, not inserted under their eyes;
 * `showHeld` lets them in.
 */
export function useLiveTail(on: boolean, filter: EventFilter, shown: AuditEvent[] | undefined) {
  const trpc = useTRPC();
  const [from, setFrom] = useState<number | null>();
  const [arrived, setArrived] = useState<AuditEvent[]>([]);
  const [held, setHeld] = useState<AuditEvent[]>([]);
  const key = JSON.stringify(filter);
  // A new view or switching off starts again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the view's key stands for the filter
  useEffect(() => {
    setFrom(undefined);
    setArrived([]);
    setHeld([]);
  }, [key, on]);
  useEffect(() => {
    if (on && from === undefined && shown) {
      setFrom(shown.length > 0 ? Math.max(...shown.map((e) => e.seq)) : null);
    }
  }, [on, from, shown]);
  useSubscription(
    trpc.tail.subscriptionOptions(
      on && from !== undefined
        ? { filter, ...(from !== null && { lastEventId: String(from) }) }
        : skipToken,
      {
        onData: ({ data }) => {
          const event: AuditEvent = data;
          if (window.scrollY > AWAY_PX) setHeld((h) => [event, ...h]);
          else setArrived((a) => [event, ...a]);
        },
      },
    ),
  );
  return {
    arrived,
    held: held.length,
    showHeld: () => {
      setArrived((a) => [...held, ...a]);
      setHeld([]);
      window.scrollTo({ top: 0 });
    },
  };
}
