import { describe, expect, it } from 'vitest';
import { createAuditClient } from './audit-client';
import { NotDeliveredError } from './errors';

/**
 * A stand-in for the network that answers each logMany request with the next status in
 * `statuses` (200 once they run out), as the server would, and keeps what was asked.
 */
function network(statuses: { status: number; headers?: Record<string, string> }[]) {
  const requests: { at: number; ids: string[] }[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    expect(String(url)).toBe('http://audit.test/trpc/logMany');
    const events = JSON.parse(new TextDecoder().decode(init?.body as Uint8Array)) as {
      id: string;
    }[];
    requests.push({ at: performance.now(), ids: events.map((e) => e.id) });
    const { status, headers } = statuses.shift() ?? { status: 200 };
    if (status !== 200) {
      const error = { error: { message: `status ${status}`, data: { httpStatus: status } } };
      return Response.json(error, { status, headers });
    }
    const data = events.map((e, seq) => ({
      id: e.id,
      seq,
      createdAt: new Date().toISOString(),
      duplicate: false,
    }));
    return Response.json({ result: { data } });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

const client = (fetch: typeof globalThis.fetch) =>
  createAuditClient({
    url: 'http://audit.test/',
    apiKey: 'key',
    fetch,
    retry: { baseMs: 1, maxMs: 5 },
  });
const event = { actorId: 'u_1', action: 'doc.edited' };

describe('delivery', () => {
  it('retries 5xx and 429 with the same event (its id), waiting as long as Retry-After asks', async () => {
    const net = network([{ status: 503 }, { status: 429, headers: { 'retry-after': '1' } }]);
    const sdk = client(net.fetch);
    const receipt = sdk.logAction(event);
    expect(await receipt).toMatchObject({ id: receipt.id, duplicate: false });
    expect(net.requests.map((r) => r.ids)).toEqual([[receipt.id], [receipt.id], [receipt.id]]);
    const [, limited, third] = net.requests;
    expect((third?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(990);
    expect(sdk.stats()).toMatchObject({ delivered: 1, retries: 2, refused: 0 });
  });

  it('never retries a 4xx; a batch refused with 400 is sent again one event at a time', async () => {
    const refused = network([{ status: 401 }]);
    const sdk = client(refused.fetch);
    await expect(sdk.logAction(event)).rejects.toThrow(NotDeliveredError);
    expect(refused.requests).toHaveLength(1);
    expect(sdk.stats()).toMatchObject({ refused: 1, retries: 0 });

    const split = network([{ status: 400 }, { status: 400 }]);
    const batched = client(split.fetch);
    const [first, second] = [batched.logAction(event), batched.logAction(event)];
    const outcomes = await Promise.allSettled([first, second]);
    expect(split.requests.map((r) => r.ids)).toEqual([
      [first.id, second.id],
      [first.id],
      [second.id],
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
  });
});
