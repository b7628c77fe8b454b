import { TEST_DRIVERS } from '@auditlog/db/testing';
import { useTestStore } from '@auditlog/db/testing/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { createCaller } from './root';
import { testCaller } from './test-caller';

type Api = ReturnType<typeof createCaller>;

/** The next `count` events a live tail sends, as [id, actorId]; then the tail ends. */
async function take(stream: AsyncIterable<unknown>, count: number) {
  const seen: [string, string][] = [];
  for await (const message of stream) {
    const [id, event] = message as [string, { actorId: string }];
    seen.push([id, event.actorId]);
    if (seen.length === count) break;
  }
  return seen;
}

describe.each(TEST_DRIVERS)('live tail on %s', (driver) => {
  const t = useTestStore(driver);
  let api: Api;
  beforeAll(async () => {
    api = testCaller(t.store).api;
    await api.logAction({ actorId: 'before', actorEmail: '', action: 'auth.signed_in' });
  });

  it('sends new matching events once, in order, and resumes after the last id seen', async () => {
    // From the event the client already shows (seq 0), as the dashboard starts a tail.
    const stream = await api.tail({ filter: { q: 'action:auth.*' }, lastEventId: '0' });
    const first = take(stream, 2);
    // One that does not match is skipped.
    await api.logAction({ actorId: 'a1', actorEmail: '', action: 'auth.signed_in' });
    await api.logAction({ actorId: 'x', actorEmail: '', action: 'document.viewed' });
    await api.logAction({ actorId: 'a2', actorEmail: '', action: 'auth.signed_out' });
    const got = await first;
    expect(got.map(([, actor]) => actor)).toEqual(['a1', 'a2']);

    // A client that lost its connection after a1 reconnects with a1's id.
    const [a1Id] = got[0] as [string, string];
    await api.logAction({ actorId: 'a3', actorEmail: '', action: 'auth.signed_in' });
    const resumed = await api.tail({ filter: { q: 'action:auth.*' }, lastEventId: a1Id });
    expect((await take(resumed, 2)).map(([, actor]) => actor)).toEqual(['a2', 'a3']);
  }, 30_000);
});
