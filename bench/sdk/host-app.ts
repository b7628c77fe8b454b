/**
 * A small host application for the SDK's CPU overhead: GET /orders/:id answers a little
 * JSON, as a typical read endpoint does. With AUDIT_URL and AUDIT_KEY set it records each
 * request through the SDK (fire and forget, as a request handler would); without them it
 * does the same work and records nothing. GET /cpu says how much CPU it has used.
 */
import { createServer } from 'node:http';
import { createAuditClient } from '@auditlog/client';

const sdk =
  process.env.AUDIT_URL && process.env.AUDIT_KEY
    ? createAuditClient({ url: process.env.AUDIT_URL, apiKey: process.env.AUDIT_KEY })
    : undefined;

const server = createServer((req, res) => {
  if (req.url === '/cpu') {
    const { user, system } = process.cpuUsage();
    res.end(JSON.stringify({ micros: user + system }));
    return;
  }
  const id = req.url?.split('/')[2] ?? '0';
  sdk?.logAction({
    actorId: `usr_${Number(id) % 500}`,
    actorEmail: `user${Number(id) % 500}@example.com`,
    action: 'order.viewed',
    resourceType: 'order',
    resourceId: id,
    ip: req.socket.remoteAddress?.replace(/^::ffff:/, ''),
    userAgent: req.headers['user-agent'],
  });
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ id, status: 'paid', total: 4200, currency: 'EUR' }));
});

server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', async () => {
  server.close();
  await sdk?.close({ timeoutMs: 10_000 });
  process.exit(0);
});
