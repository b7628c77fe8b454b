/**
 * One command (`pnpm --filter @auditlog/example-host start`): the audit server on port
 * 3210, this host application on port 3300 with demo data, and the outbox relay.
 */
import { join } from 'node:path';
import { createAuditClient } from '@auditlog/client';
import { createOutboxRelay } from '@auditlog/client/prisma';
import { startAuditServer } from './audit-server';
import { openDatabase } from './database';
import { hashPassword } from './router';
import { buildHostApp } from './server';

const DATA = new URL('../.data/', import.meta.url).pathname;

const audit = await startAuditServer(join(DATA, 'audit'), 3210);
const sdk = createAuditClient({ url: audit.url, apiKey: audit.apiKey });
const db = await openDatabase({ dataDir: join(DATA, 'host') });
await db.prisma.user.upsert({
  where: { email: 'ada@example.com' },
  create: {
    id: 'usr_ada',
    email: 'ada@example.com',
    name: 'Ada',
    passwordHash: hashPassword('correct horse'),
  },
  update: {},
});
const relay = createOutboxRelay(sdk, db.prisma);
relay.start();
const { app } = await buildHostApp(sdk, db.prisma);
await app.listen({ host: '127.0.0.1', port: 3300 });

console.log(`The host app listens on http://127.0.0.1:3300; its audit log is ${audit.url}/
(sign in there as admin@example.com / example admin passphrase).

  curl -s -XPOST localhost:3300/login -H 'content-type: application/json' -d '{"email":"ada@example.com","password":"correct horse"}'
  curl -s -XPOST localhost:3300/trpc/invoice.create -H "authorization: Bearer <token>" -H 'content-type: application/json' -d '{"number":"2026-001","customer":"acme","amountCents":4200,"cardNumber":"4242 4242 4242 4242"}'

Ctrl-C stops everything.`);

process.once('SIGINT', async () => {
  await app.close();
  await relay.stop();
  await sdk.close({ timeoutMs: 5000 });
  await db.close();
  await audit.stop();
  process.exit(0);
});
