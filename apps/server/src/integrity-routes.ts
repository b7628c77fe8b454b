import { createPublicKey } from 'node:crypto';
import type { Services } from '@auditlog/api';
import type { Checkpoint } from '@auditlog/audit';
import type { FastifyInstance } from 'fastify';
import { sendTrpcError } from './http-errors';
import type { CallerFor } from './request-context';

/**
 * Plain downloads for what an auditor keeps outside the system: the latest signed
 * checkpoint (for readers) and the public key that checks it (public by nature). With
 * an export, they are all the offline verifier needs.
 */
export function registerIntegrityRoutes(
  app: FastifyInstance,
  callerFor: CallerFor,
  { checkpoints, signingKey }: Pick<Services, 'checkpoints' | 'signingKey'>,
): void {
  app.get('/checkpoint.json', async (request, reply) => {
    let checkpoint: Checkpoint | null;
    try {
      ({ checkpoint } = await callerFor(request, reply).integrity.checkpoint());
    } catch (error) {
      return sendTrpcError(app, reply, error);
    }
    // The server signs one at start-up; the first reader of a new log shares one.
    checkpoint ??= await checkpoints.covering(0);
    return reply
      .header(
        'Content-Disposition',
        `attachment; filename="checkpoint-${checkpoint.treeSize}.json"`,
      )
      .header('Cache-Control', 'no-store')
      .send(checkpoint);
  });

  const publicKeyPem = createPublicKey(signingKey)
    .export({ type: 'spki', format: 'pem' })
    .toString();
  app.get('/public-key.pem', async (_request, reply) =>
    reply
      .header('Content-Type', 'application/x-pem-file')
      .header('Content-Disposition', 'attachment; filename="audit-log-public-key.pem"')
      .send(publicKeyPem),
  );
}
