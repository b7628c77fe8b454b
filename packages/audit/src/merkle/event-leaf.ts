import type { AuditEvent } from '../event';
import { type LeafFields, leafHashOf, piiDigest } from './leaf';

export function leafFieldsOf(event: AuditEvent): LeafFields {
  return {
    id: event.id,
    seq: event.seq,
    createdAt: event.createdAt,
    actorId: event.actorId,
    actorType: event.actorType,
    action: event.action,
    outcome: event.outcome,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    metadata: event.metadata,
    changes: event.changes,
    requestId: event.requestId,
    piiDigest: event.piiDigest,
  };
}

/**
 * What is wrong with one event on its own, if anything: personal data that no longer
 * matches its salted digest, or content that no longer hashes to its recorded leaf.
 */
export function eventProblem(event: AuditEvent): string | undefined {
  if (event.piiSalt !== null) {
    const digest = piiDigest(Buffer.from(event.piiSalt, 'hex'), event);
    if (digest.toString('hex') !== event.piiDigest) {
      return 'its actorEmail, ip or userAgent was changed after it was recorded';
    }
  }
  if (leafHashOf(leafFieldsOf(event)).toString('hex') !== event.hash) {
    return 'its content was changed after it was recorded (it no longer matches its hash)';
  }
  return undefined;
}
