import type { JsonObject, JsonValue } from '@auditlog/audit';

/**
 * Keys whose values never leave the process: matched case-insensitively against the key
 * with everything but letters and digits removed, anywhere in it (`newPassword`,
 * `x-api-key`, `client_secret`, `Set-Cookie`).
 */
export const DEFAULT_DENIED_KEYS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'authorization',
  'cookie',
  'apikey',
  'privatekey',
  'cardnumber',
  'cvv',
  'cvc',
  'ssn',
] as const;

export interface RedactOptions {
  /** More key fragments to deny, beside DEFAULT_DENIED_KEYS. */
  deny?: readonly string[];
  /** Keys kept though a fragment matches (exact, case-insensitive): `tokenCount`. */
  allow?: readonly string[];
}

export const REDACTED = '[redacted]';
export const CHANGED = '[changed]';
const CARD = '[card number]';

const normalise = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Whether `key` names a secret under `options`. */
export function isDeniedKey(key: string, options: RedactOptions = {}): boolean {
  if (options.allow?.some((a) => a.toLowerCase() === key.toLowerCase())) return false;
  const k = normalise(key);
  return [...DEFAULT_DENIED_KEYS, ...(options.deny ?? []).map(normalise)].some((d) =>
    k.includes(d),
  );
}

// 13 to 19 digits, optionally grouped by spaces or dashes, that pass the Luhn check.
const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function maskCards(text: string): string {
  return text.replace(CARD_CANDIDATE, (match) => (luhn(match.replace(/[ -]/g, '')) ? CARD : match));
}

/**
 * A copy as JSON the log accepts, with every denied key's value replaced and card numbers
 * in text masked, in one walk: dates (anything with toJSON) as JSON.stringify writes them,
 * big integers as text, undefined and functions left out (null in arrays), numbers that
 * are not finite as null, and a cycle as "[circular]".
 */
export function redact(value: unknown, options: RedactOptions = {}): JsonValue {
  return walk(value, options, new Set()) ?? null;
}

function walk(value: unknown, options: RedactOptions, path: Set<object>): JsonValue | undefined {
  switch (typeof value) {
    case 'string':
      return maskCards(value);
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return walk(json.call(value), options, path);
  if (path.has(value)) return '[circular]';
  path.add(value);
  let out: JsonValue;
  if (Array.isArray(value)) {
    out = value.map((v) => walk(v, options, path) ?? null);
  } else {
    const copy: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const redacted = isDeniedKey(k, options) ? REDACTED : walk(v, options, path);
      if (redacted !== undefined) copy[k] = redacted;
    }
    out = copy;
  }
  path.delete(value);
  return out;
}

/**
 * A change with its secrets masked: a denied field that changed is recorded on both sides
 * as "[changed]" (that it changed is audit-worthy; its value is not), one that did not is
 * left out. Card numbers are masked as everywhere.
 */
export function redactChanges(
  changes: { before?: unknown; after?: unknown },
  options: RedactOptions = {},
): { before?: JsonObject; after?: JsonObject } {
  const before = changes.before as Record<string, unknown> | undefined;
  const after = changes.after as Record<string, unknown> | undefined;
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const out = { before: {} as JsonObject, after: {} as JsonObject };
  for (const key of keys) {
    const [b, a] = [before?.[key], after?.[key]];
    if (isDeniedKey(key, options)) {
      // Already masked at the source (the outbox trigger's masked columns) means changed.
      const masked = b === CHANGED || a === CHANGED;
      if (!masked && JSON.stringify(redact(b)) === JSON.stringify(redact(a))) continue;
      if (before && key in before) out.before[key] = CHANGED;
      if (after && key in after) out.after[key] = CHANGED;
      continue;
    }
    if (before && key in before) out.before[key] = redact(b, options);
    if (after && key in after) out.after[key] = redact(a, options);
  }
  return {
    ...(before && { before: out.before }),
    ...(after && { after: out.after }),
  };
}
