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
 * Any value as JSON the log accepts: dates as ISO text, big integers as text, undefined
 * and functions left out, as JSON.stringify would; a cycle becomes "[circular]".
 */
export function toJson(value: unknown): JsonValue {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
    }
    return v;
  });
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}

/** A copy with every denied key's value replaced and card numbers in text masked. */
export function redact(value: JsonValue, options: RedactOptions = {}): JsonValue {
  if (typeof value === 'string') return maskCards(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, options));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      isDeniedKey(k, options) ? REDACTED : redact(v, options),
    ]),
  );
}

/**
 * A change with its secrets masked: a denied field that changed is recorded on both sides
 * as "[changed]" (that it changed is audit-worthy; its value is not), one that did not is
 * left out. Card numbers are masked as everywhere.
 */
export function redactChanges(
  changes: { before?: JsonObject; after?: JsonObject },
  options: RedactOptions = {},
): { before?: JsonObject; after?: JsonObject } {
  const { before, after } = changes;
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const out = { before: {} as JsonObject, after: {} as JsonObject };
  for (const key of keys) {
    const [b, a] = [before?.[key], after?.[key]];
    if (isDeniedKey(key, options)) {
      if (JSON.stringify(b) === JSON.stringify(a)) continue;
      if (before && key in before) out.before[key] = CHANGED;
      if (after && key in after) out.after[key] = CHANGED;
      continue;
    }
    if (before && key in before) out.before[key] = redact(b as JsonValue, options);
    if (after && key in after) out.after[key] = redact(a as JsonValue, options);
  }
  return {
    ...(before && { before: out.before }),
    ...(after && { after: out.after }),
  };
}
