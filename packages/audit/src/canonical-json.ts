import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JCS) canonical JSON of a JSON value. When every object's keys already come
 * in JCS order (UTF-16 code units, as JavaScript compares strings), JCS is exactly what
 * JSON.stringify writes: same number and string serialisation, no whitespace. That is
 * common and several times faster than the general path, the `canonicalize` package.
 */
export function canonicalJson(value: unknown): string {
  return inJcsOrder(value) ? JSON.stringify(value) : (canonicalize(value) as string);
}

function inJcsOrder(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(inJcsOrder);
  // Object.keys gives the order JSON.stringify writes (integer-like keys first).
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) >= (keys[i] as string)) return false;
  }
  return keys.every((key) => inJcsOrder((value as Record<string, unknown>)[key]));
}
