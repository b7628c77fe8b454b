import { createPublicKey, type KeyObject } from 'node:crypto';
import { can } from '@auditlog/api';
import type { AuditStore } from '@auditlog/db';
import type { FastifyInstance } from 'fastify';
import { refuse } from './auth-hooks';

/**
 * Plain downloads for what an auditor keeps outside the system: the latest signed
 * checkpoint (for readers) and the public key that checks it (public by nature). With
 * an export, they are all the offline verifier needs.
 */
export function registerIntegrityRoutes(
  app: FastifyInstance,
  store: AuditStore,
  key: KeyObject,
): void {
  app.get('/checkpoint.json', async (request, reply) => {
    const { principal } = request;
    const refused = refuse(reply, principal, principal !== null && can(principal, 'log:read'));
    if (refused) return refused;
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
