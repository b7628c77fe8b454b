import { hash } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import type { JsonObject } from '../json-value';
import { type Hash, leafHash } from '../merkle/hash';

/** The fields of an event that its leaf commits to. */
export interface LeafFields {
  id: string;
  seq: number;
  createdAt: string;
  actorId: string;
  actorType: string;
  action: string;
  outcome: string;
  resourceType: string | null;
  resourceId: string | null;
  metadata: JsonObject | null;
  changes: object | null;
  requestId: string | null;
  /** SHA-256 of the salted personal data (see piiDigest), hex. */
  piiDigest: string;
  /** Who wrote the event (see AuditEvent.writer); null for events from before it. */
  writer: string | null;
}

/** The personal data that enters a leaf only through a salted digest. */
export interface PersonalData {
  actorEmail: string;
  ip: string | null;
  userAgent: string | null;
}

/** Bytes of random salt per event. */
export const SALT_BYTES = 16;

/**
 * SHA-256(salt || [actorEmail, ip, userAgent] as JSON). Erasing a person deletes the
 * data and the salt; the digest stays, so the leaf and every proof through it still
 * verify, while the erased values can no longer be confirmed by guessing.
 */
export function piiDigest(salt: Uint8Array, pii: PersonalData): Buffer {
  // A JSON array of strings and nulls is already in RFC 8785 canonical form.
  const encoded = JSON.stringify([pii.actorEmail, pii.ip ?? null, pii.userAgent ?? null]);
  const input = Buffer.allocUnsafe(salt.length + Buffer.byteLength(encoded));
  input.set(salt, 0);
  input.write(encoded, salt.length);
  return hash('sha256', input, 'buffer');
}

const str = (value: string | null) => (value === null ? 'null' : JSON.stringify(value));
const json = (value: object | null) => (value === null ? 'null' : canonicalJson(value));

/**
 * RFC 8785 (JCS) canonical JSON of a leaf, as a verifier in any language can rebuild it.
 * The keys are written in JCS order (UTF-16 code units: `_v` first, `seq` last) and
 * every value as JCS serialises it: strings and numbers as ECMAScript's JSON.stringify
 * does, nested objects by canonicalJson. packages/db builds the same
 * text in SQL from stored rows (leaf-rows.ts); a test holds the two to the same bytes.
 */
export function leafBytes(f: LeafFields): string {
  // Version 2 adds the writer (last, in JCS order); events stored before it stay version 1.
  const version = f.writer === null ? 1 : 2;
  const writer = f.writer === null ? '' : `,"writer":${str(f.writer)}`;
  return `{"_v":${version},"action":${str(f.action)},"actorId":${str(f.actorId)},"actorType":${str(f.actorType)},"changes":${json(f.changes)},"createdAt":${str(f.createdAt)},"id":${str(f.id)},"metadata":${json(f.metadata)},"outcome":${str(f.outcome)},"piiDigest":${str(f.piiDigest)},"requestId":${str(f.requestId)},"resourceId":${str(f.resourceId)},"resourceType":${str(f.resourceType)},"seq":${f.seq}${writer}}`;
}

export function leafHashOf(fields: LeafFields): Hash {
  return leafHash(leafBytes(fields));
}
