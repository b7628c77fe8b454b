/**
 * RFC 9162 §2.1.3.2 inclusion-proof verification in the browser, with WebCrypto: the
 * dashboard checks the server's proof itself rather than taking its word.
 */
const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  const data = new Uint8Array(65);
  data[0] = 0x01;
  data.set(left, 1);
  data.set(right, 33);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

const equal = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

export async function inclusionProofHolds(proof: {
  seq: number;
  treeSize: number;
  /** The event's leaf hash, base64. */
  leafHash: string;
  /** Proof hashes, base64. */
  path: string[];
  /** The checkpoint's root, base64. */
  rootHash: string;
}): Promise<boolean> {
  if (proof.seq < 0 || proof.seq >= proof.treeSize) return false;
  let fn = proof.seq;
  let sn = proof.treeSize - 1;
  let r: Uint8Array = fromBase64(proof.leafHash);
  for (const element of proof.path) {
    const p = fromBase64(element);
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, fromBase64(proof.rootHash));
}
