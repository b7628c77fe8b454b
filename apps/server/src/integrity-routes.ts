import { createPublicKey, type KeyObject } from 'node:crypto';
import type { AuditStore } from '@auditlog/db';
import type { FastifyInstance } from 'fastify';

/**
 * Plain downloads for what an auditor keeps outside the system: the latest signed
 * checkpoint and the public key that checks it. With an export, they are all the
 * offline verifier needs.
 */
export function registerIntegrityRoutes(
  app: FastifyInstance,
  store: AuditStore,
  key: KeyObject,
): void {
  app.get('/checkpoint.json', async (_request, reply) => {
    const checkpoint = (await store.latestCheckpoint()) ?? (await store.issueCheckpoint(key));
    return reply
      .header(
        'Content-Disposition',
        `attachment; filename="checkpoint-${checkpoint.treeSize}.json"`,
      )
      .header('Cache-Control', 'no-store')
      .send(checkpoint);
  });

  const publicKeyPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  app.get('/public-key.pem', async (_request, reply) =>
    reply
      .header('Content-Type', 'application/x-pem-file')
      .header('Content-Disposition', 'attachment; filename="audit-log-public-key.pem"')
      .send(publicKeyPem),
  );
}
