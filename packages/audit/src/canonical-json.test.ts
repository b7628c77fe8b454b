import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

const sortedKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
  );
};

describe('canonicalJson', () => {
  it('equals the canonicalize package on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('equals it when keys come sorted, the fast path', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const sorted = sortedKeys(value);
        expect(canonicalJson(sorted)).toBe(canonicalize(sorted));
      }),
      { numRuns: 1000 },
    );
  });

  it('orders integer-like keys as JCS does, not as JavaScript enumerates them', () => {
    const value = { b: 1, '10': 2, '9': 3, a: { z: -0, y: 1e21, x: 1.5e-7 } };
    expect(canonicalJson(value)).toBe('{"10":2,"9":3,"a":{"x":1.5e-7,"y":1e+21,"z":0},"b":1}');
  });
});
