import { Agent, request } from 'node:http';
import type { AuditEntry } from '@auditlog/audit';
import type { RunningServer } from './server';
import { latencyWindows, percentile } from './workloads';

/**
 * logAction calls sent at a fixed `rate` per second for `seconds`, whether or not the
 * earlier ones have been answered (an open loop, as wrk2 sends). Each call's latency runs
 * from when it was due, not from when it went out: a server that stalls is charged for
 * the calls it kept waiting, which a closed loop of callers (each waiting for its answer
 * before sending again) hides by sending fewer. `connections` bounds the sockets; a call
 * due while all are busy waits for one, on its clock.
 */
export async function pacedLogActionLoad(
  server: RunningServer,
  entries: (i: number) => AuditEntry,
  rate: number,
  seconds: number,
  connections = 64,
) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const { hostname, port } = new URL(server.base);
  const calls: { from: number; to: number }[] = [];
  const failures: string[] = [];
  const send = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify(entries(i));
      const req = request(
        {
          agent,
          hostname,
          port,
          path: '/trpc/logAction',
          method: 'POST',
          headers: {
            authorization: server.authorization,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) calls.push({ from: due, to: performance.now() });
            else failures.push(`HTTP ${res.statusCode}`);
            resolve();
          });
        },
      );
      req.on('error', (error) => {
        failures.push(error.message);
        resolve();
      });
      req.end(body);
    });

  const total = Math.round(rate * seconds);
  const started = performance.now();
  const pending: Promise<void>[] = [];
  let sent = 0;
  while (sent < total) {
    // Every call due by now goes out; a timer that fired late sends the ones it owes.
    const dueNow = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    for (; sent < dueNow; sent++) pending.push(send(sent, started + (sent * 1000) / rate));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  agent.destroy();
  if (failures.length > 0) {
    throw new Error(`logAction: ${failures.length} of ${total} failed (${failures[0]})`);
  }
  const ms = calls.map((c) => c.to - c.from);
  return {
    rate,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    ...latencyWindows(calls),
  };
}
