import type { KeyObject } from 'node:crypto';
import type { AuditEvent } from '../event';
import { Frontier } from '../merkle/frontier';
import { type Checkpoint, verifyCheckpointSignature } from './checkpoint';
import { checkEvent } from './event-check';

export type VerifyReport =
  | { ok: true; treeSize: number; checked: number }
  | { ok: false; seq: number | null; reason: string };

/**
 * Checks an exported log against a signed checkpoint with nothing but the file, the
 * checkpoint and the public key: the signature, then every event in seq order (no gap,
 * no duplicate, content matching its hash), then the Merkle root the events produce.
 * Events after the checkpoint's tree size are outside what it vouches for and ignored.
 */
export function verifyExport(
  events: readonly AuditEvent[],
  checkpoint: Checkpoint,
  publicKey: KeyObject | string,
): VerifyReport {
  if (!verifyCheckpointSignature(checkpoint, publicKey)) {
    return { ok: false, seq: null, reason: 'the checkpoint is not signed by this public key' };
  }
  const covered = events.filter((e) => e.seq < checkpoint.treeSize).sort((a, b) => a.seq - b.seq);
  const frontier = Frontier.empty();
  for (const event of covered) {
    if (event.seq < frontier.size) {
      return { ok: false, seq: event.seq, reason: `event ${event.seq} appears more than once` };
    }
    if (event.seq > frontier.size) {
      return {
        ok: false,
        seq: frontier.size,
        reason: `event ${frontier.size} is missing (an export must hold every event from 0 to ${checkpoint.treeSize - 1}; use an unfiltered export)`,
      };
    }
    const check = checkEvent(event);
    if (!check.ok) {
      return { ok: false, seq: event.seq, reason: `event ${event.seq}: ${check.problem}` };
    }
    frontier.push(check.leaf);
  }
  if (frontier.size < checkpoint.treeSize) {
    return {
      ok: false,
      seq: frontier.size,
      reason: `the export ends at event ${frontier.size - 1} but the checkpoint covers ${checkpoint.treeSize} events`,
    };
  }
  if (frontier.root().toString('base64') !== checkpoint.rootHash) {
    return {
      ok: false,
      seq: null,
      reason:
        "the events do not produce the checkpoint's root hash: recorded hashes were rewritten",
    };
  }
  return { ok: true, treeSize: checkpoint.treeSize, checked: covered.length };
}
