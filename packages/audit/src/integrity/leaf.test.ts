import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LeafFields, leafBytes, leafHashOf, piiDigest } from './leaf';

const text = fc.string({ unit: 'grapheme', maxLength: 20 });
const json = fc.dictionary(text, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }) as fc.Arbitrary<
  Record<string, never>
>;
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });

const leafFields: fc.Arbitrary<LeafFields> = fc.record({
  id: fc.uuid(),
  seq: fc.nat(),
  createdAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  actorId: text,
  actorType: fc.constantFrom('user', 'service', 'system'),
  action: text,
  outcome: fc.constantFrom('success', 'failure'),
  resourceType: nullable(text),
  resourceId: nullable(text),
  metadata: nullable(json),
  changes: nullable(fc.record({ before: json, after: json }, { requiredKeys: [] })),
  requestId: nullable(text),
  piiDigest: fc.string({ minLength: 64, maxLength: 64 }),
  writer: nullable(text),
});

describe('leaf encoding', () => {
  it('is exactly what the canonicalize package makes of the same fields (RFC 8785)', () => {
    fc.assert(
      fc.property(leafFields, (fields) => {
        // Version 1 (no writer) leaves the key out; version 2 commits to it.
        const { writer, ...v1 } = fields;
        const expected = writer === null ? { _v: 1, ...v1 } : { _v: 2, ...fields };
        expect(leafBytes(fields)).toBe(canonicalize(expected));
      }),
      { numRuns: 500 },
    );
  });

  it('changes when any single field changes', () => {
    const base: LeafFields = {
      id: '01a2188b-991a-72c0-b9a6-231927a380fe',
      seq: 3,
      createdAt: '2026-11-26T15:48:51.610Z',
      actorId: 'usr_1',
      actorType: 'user',
      action: 'user.deleted',
      outcome: 'success',
      resourceType: 'user',
      resourceId: 'usr_2',
      metadata: { reason: 'requested' },
      changes: null,
      requestId: null,
      piiDigest: 'ab'.repeat(32),
      writer: 'api_key:abcdefghijkl',
    };
    const hash = leafHashOf(base).toString('hex');
    const variants: Partial<LeafFields>[] = [
      { seq: 4 },
      { writer: 'server' },
      { writer: null },
      { actorId: 'usr_9' },
      { action: 'user.invited' },
      { metadata: { reason: 'requested ' } },
      { metadata: null },
      { resourceId: null },
      { piiDigest: 'ac'.repeat(32) },
      { createdAt: '2026-11-26T15:48:51.611Z' },
    ];
    for (const variant of variants) {
      expect(leafHashOf({ ...base, ...variant }).toString('hex'), JSON.stringify(variant)).not.toBe(
        hash,
      );
    }
  });

  it('digests personal data with its salt, so equal data under other salts differs', () => {
    const pii = { actorEmail: 'ada@example.com', ip: '203.0.113.9', userAgent: null };
    const a = piiDigest(Buffer.alloc(16, 1), pii);
    expect(piiDigest(Buffer.alloc(16, 1), pii)).toEqual(a);
    expect(piiDigest(Buffer.alloc(16, 2), pii)).not.toEqual(a);
    expect(piiDigest(Buffer.alloc(16, 1), { ...pii, ip: '203.0.113.8' })).not.toEqual(a);
  });
});
