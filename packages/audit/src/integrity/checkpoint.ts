import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { z } from 'zod';

/** The first line of every checkpoint this software signs: what the numbers refer to. */
export const CHECKPOINT_ORIGIN = 'audit-log/v1';

/**
 * A signed statement "the log held `treeSize` events and its Merkle root was
 * `rootHash` at `issuedAt`". Hashes and signature are base64, as in the C2SP
 * tlog-checkpoint note format, so the signed text reads the same in any tool.
 */
export const checkpointSchema = z.object({
  origin: z.literal(CHECKPOINT_ORIGIN),
  treeSize: z.number().int().nonnegative(),
  rootHash: z.base64(),
  issuedAt: z.iso.datetime(),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  signature: z.base64(),
});

export type Checkpoint = z.output<typeof checkpointSchema>;
export type UnsignedCheckpoint = Pick<Checkpoint, 'treeSize' | 'rootHash' | 'issuedAt'>;

/** The exact bytes the Ed25519 signature covers. */
export function checkpointText(c: UnsignedCheckpoint): string {
  return `${CHECKPOINT_ORIGIN}\n${c.treeSize}\n${c.rootHash}\n${c.issuedAt}\n`;
}

/** A short, stable name for a public key: the first 8 bytes of SHA-256 over its DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function signCheckpoint(unsigned: UnsignedCheckpoint, privateKey: KeyObject): Checkpoint {
  const signature = sign(null, Buffer.from(checkpointText(unsigned)), privateKey);
  return {
    origin: CHECKPOINT_ORIGIN,
    ...unsigned,
    keyId: keyIdOf(createPublicKey(privateKey)),
    signature: signature.toString('base64'),
  };
}

/** True when `checkpoint` was signed by the holder of `publicKey` (PEM or KeyObject). */
export function verifyCheckpointSignature(
  checkpoint: Checkpoint,
  publicKey: KeyObject | string,
): boolean {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  if (key.asymmetricKeyType !== 'ed25519' || keyIdOf(key) !== checkpoint.keyId) return false;
  return verify(
    null,
    Buffer.from(checkpointText(checkpoint)),
    key,
    Buffer.from(checkpoint.signature, 'base64'),
  );
}
