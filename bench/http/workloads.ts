import type { AuditEntry } from '@auditlog/audit';
import autocannon from 'autocannon';
import type { RunningServer } from './server';

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function call(server: RunningServer, path: string, init: RequestInit = {}) {
  const response = await fetch(`${server.base}${path}`, {
    ...init,
    headers: { authorization: server.authorization, 'content-type': 'application/json' },
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

export interface QueryInput {
  filter: Record<string, string>;
  limit?: number;
  cursor?: string;
}

/** One query call over HTTP (tRPC GET, as the dashboard sends it): ms and the page. */
export async function timedQuery(server: RunningServer, input: QueryInput) {
  const started = performance.now();
  const response = await call(
    server,
    `/trpc/query?input=${encodeURIComponent(JSON.stringify(input))}`,
  );
  const body = (await response.json()) as {
    result: { data: { events: unknown[]; nextCursor?: string } };
  };
  return { ms: performance.now() - started, page: body.result.data };
}

/**
 * Latencies of `times` facets calls (counts, total and histogram of a view), one after
 * another, as the dashboard asks for them beside each page.
 */
export async function facetLatencies(
  server: RunningServer,
  filter: QueryInput['filter'],
  times: number,
) {
  const path = `/trpc/facets?input=${encodeURIComponent(JSON.stringify({ filter, top: 8 }))}`;
  for (let i = 0; i < 2; i++) await call(server, path); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await (await call(server, path)).json();
    ms.push(performance.now() - started);
  }
  return ms;
}

/** Latencies of `times` first-page queries, one after another. */
export async function queryLatencies(server: RunningServer, input: QueryInput, times: number) {
  for (let i = 0; i < 5; i++) await timedQuery(server, input); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < times; i++) ms.push((await timedQuery(server, input)).ms);
  return ms;
}

/** Walks `pages` pages with cursors: the time of the first and of the last page. */
export async function keysetWalk(server: RunningServer, input: QueryInput, pages: number) {
  let cursor: string | undefined;
  const ms: number[] = [];
  for (let i = 0; i < pages; i++) {
    const { ms: took, page } = await timedQuery(server, { ...input, cursor });
    ms.push(took);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return { first: ms[0] ?? NaN, last: ms.at(-1) ?? NaN, pages: ms.length, cursor };
}

/**
 * A whole export through GET /export, read as a client would: rows/s overall and in
 * each tenth of the rows (a flat export has ten similar figures).
 */
export async function exportRun(server: RunningServer, format: 'csv' | 'json', rows: number) {
  const started = performance.now();
  const response = await call(server, `/export?format=${format}`);
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no body');
  let lines = 0;
  let bytes = 0;
  const marks: number[] = [started];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (let i = value.indexOf(10); i !== -1; i = value.indexOf(10, i + 1)) lines++;
    while (marks.length < 11 && lines >= (rows / 10) * marks.length) marks.push(performance.now());
  }
  const seconds = (performance.now() - started) / 1000;
  const tenths = marks.slice(1).map((at, i) => rows / 10 / ((at - (marks[i] ?? at) || 1) / 1000));
  return { seconds, lines, bytes, rate: rows / seconds, tenths };
}

/**
 * `callers` concurrent logAction callers for `seconds`, each sending its next event as
 * soon as the last is answered: events/s and latencies. The load comes from autocannon,
 * which costs a fraction of the CPU that as many fetch() loops would take from a server
 * sharing the machine.
 */
export async function logActionLoad(
  server: RunningServer,
  entries: (i: number) => AuditEntry,
  callers: number,
  seconds: number,
) {
  let next = 0;
  // Each answer's latency and when it came, for the p99 of a window within the load.
  const answers: { at: number; ms: number }[] = [];
  const result = await autocannon({
    url: `${server.base}/trpc/logAction`,
    connections: callers,
    duration: seconds,
    method: 'POST',
    headers: { authorization: server.authorization, 'content-type': 'application/json' },
    setupClient: (client) => {
      client.setBody(JSON.stringify(entries(next++)));
      client.on('response', (_status, _bytes, ms) => {
        answers.push({ at: performance.now(), ms });
        client.setBody(JSON.stringify(entries(next++)));
      });
    },
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) throw new Error(`logAction: ${failed} of ${result.requests.total} failed`);
  return {
    rate: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ...latencyWindows(answers.map(({ at, ms }) => ({ from: at - ms, to: at }))),
  };
}

/** Calls' spans (performance.now() when each began and was answered). */
export function latencyWindows(calls: { from: number; to: number }[]) {
  /**
   * The p99 of the calls under way at any time between two moments: a call that a stall
   * kept waiting counts though it was answered after.
   */
  const p99Between = (from: number, to: number) =>
    percentile(
      calls.filter((c) => c.to >= from && c.from <= to).map((c) => c.to - c.from),
      99,
    );
  return {
    p99Between,
    /**
     * The p99 of every window `ms` long, one starting each tenth of `ms`, sorted: how
     * the p99 over a span as short as a retention run's varies under this load alone.
     */
    p99Windows: (ms: number) => {
      const [first, last] = [calls[0]?.to ?? 0, calls.at(-1)?.to ?? 0];
      const windows: number[] = [];
      for (let from = first; from + ms <= last; from += ms / 10) {
        windows.push(p99Between(from, from + ms));
      }
      return windows.sort((a, b) => a - b);
    },
  };
}

/**
 * `total` events in batches of `batch` from `callers` concurrent logMany callers: the
 * overall rate, and the rate in the first and last fifth (a growing table must not slow
 * it down).
 */
export async function logManyLoad(
  server: RunningServer,
  entries: (i: number) => AuditEntry,
  callers: number,
  batch: number,
  total: number,
) {
  let next = 0;
  const done: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < total) {
        const from = next;
        next += batch;
        const body = JSON.stringify(
          Array.from({ length: Math.min(batch, total - from) }, (_, k) => entries(from + k)),
        );
        await (await call(server, '/trpc/logMany', { method: 'POST', body })).arrayBuffer();
        done.push(performance.now());
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const fifth = Math.max(1, Math.floor(done.length / 5));
  const rateOf = (from: number, to: number) =>
    (fifth * batch) / (((done[to] ?? 0) - (done[from] ?? started)) / 1000);
  return {
    rate: total / seconds,
    first: rateOf(-1, fifth - 1),
    last: rateOf(done.length - fifth - 1, done.length - 1),
  };
}
