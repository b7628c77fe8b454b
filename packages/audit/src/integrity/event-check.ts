import type { AuditEvent } from '../event';
import type { Hash } from '../merkle/hash';
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
    // Version 1 leaves commit to the digest as hex text; the API shows it as base64
    // like every other hash, so the leaf is rebuilt with the spelling it was made with.
    piiDigest: Buffer.from(event.piiDigest, 'base64').toString('hex'),
    writer: event.writer,
  };
}

export type EventCheck = { ok: true; leaf: Hash } | { ok: false; problem: string };

/**
 * Checks one event on its own: personal data that no longer matches its salted digest,
 * or content that no longer hashes to its recorded leaf, is a problem; otherwise the
 * (recomputed, matching) leaf hash is returned.
 */
export function checkEvent(event: AuditEvent): EventCheck {
  if (event.piiSalt !== null) {
    const digest = piiDigest(Buffer.from(event.piiSalt, 'base64'), event);
    if (digest.toString('base64') !== event.piiDigest) {
      return {
        ok: false,
        problem: 'its actorEmail, ip or userAgent was changed after it was recorded',
      };
    }
  }
  if (event.hash === null) return { ok: false, problem: 'it is not in the Merkle tree yet' };
  const leaf = leafHashOf(leafFieldsOf(event));
  if (leaf.toString('base64') !== event.hash) {
    return {
      ok: false,
      problem: 'its content was changed after it was recorded (it no longer matches its hash)',
    };
  }
  return { ok: true, leaf };
}

/** What is wrong with one event on its own, if anything (see checkEvent). */
export function eventProblem(event: AuditEvent): string | undefined {
  const check = checkEvent(event);
  return check.ok ? undefined : check.problem;
}
