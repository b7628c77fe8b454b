import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { AuditEvent } from '../event';
import { rootFromInclusionProof } from '../merkle/proof-check';
import { type Checkpoint, checkpointSchema, verifyCheckpointSignature } from './checkpoint';
import { checkEvent } from './event-check';
import type { VerifyReport } from './verify-export';

/** One event with what proves it is in the log: an inclusion proof to a signed root. */
export interface EventProofBundle {
  event: AuditEvent;
  checkpoint: Checkpoint;
  /** RFC 9162 inclusion proof of event.seq in the checkpoint's tree, base64 hashes. */
  proof: string[];
}

// The event's own fields are not checked one by one: the verifier recomputes its hash
// from them, so anything missing or altered fails verification anyway.
export const eventProofBundleSchema = z.object({
  event: z.looseObject({ seq: z.number().int().nonnegative(), hash: z.string().nullable() }),
  checkpoint: checkpointSchema,
  proof: z.array(z.base64()),
}) as unknown as z.ZodType<EventProofBundle>;

/**
 * Checks a single event offline: its content against its hash, the hash against the
 * signed root through the proof, and the signature against the public key.
 */
export function verifyEventProof(
  bundle: EventProofBundle,
  publicKey: KeyObject | string,
): VerifyReport {
  const { event, checkpoint, proof } = bundle;
  if (!verifyCheckpointSignature(checkpoint, publicKey)) {
    return { ok: false, seq: null, reason: 'the checkpoint is not signed by this public key' };
  }
  const check = checkEvent(event);
  if (!check.ok) {
    return { ok: false, seq: event.seq, reason: `event ${event.seq}: ${check.problem}` };
  }
  const root = rootFromInclusionProof(
    event.seq,
    checkpoint.treeSize,
    check.leaf,
    proof.map((p) => Buffer.from(p, 'base64')),
  );
  if (root?.toString('base64') !== checkpoint.rootHash) {
    return {
      ok: false,
      seq: event.seq,
      reason: `the proof does not lead from event ${event.seq} to the checkpoint's root`,
    };
  }
  return { ok: true, treeSize: checkpoint.treeSize, checked: 1 };
}
