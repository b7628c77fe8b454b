import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

// uuid's own generator asks WebCrypto for 16 bytes per id, which costs more than the
// rest of an append's hashing; drawing them from a pooled buffer is as random and cheap.
const POOL_IDS = 256;
const pool = Buffer.allocUnsafe(16 * POOL_IDS);
let next = POOL_IDS;

function pooledRandom(): Uint8Array {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  next += 1;
  return pool.subarray((next - 1) * 16, next * 16);
}

/** A UUIDv7 for an event recorded at `at` (now by default). */
export function newEventId(at: Date = new Date()): string {
  return v7({ msecs: at.getTime(), rng: pooledRandom });
}

/** The Unix time in milliseconds held in the first 48 bits of a UUIDv7. */
export function uuid7Time(id: string): number {
  return Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
}
