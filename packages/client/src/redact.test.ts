import { describe, expect, it } from 'vitest';
import { isDeniedKey, redact, redactChanges } from './redact';

describe('redaction', () => {
  it('masks secrets by key, however they are spelled, at any depth', () => {
    expect(
      redact({
        email: 'a@example.com',
        password: 'hunter2',
        newPassword: 'x',
        headers: { Authorization: 'Bearer abc', 'x-api-key': 'k', Cookie: 'sid=1' },
        list: [{ client_secret: 's' }],
      }),
    ).toEqual({
      email: 'a@example.com',
      password: '[redacted]',
      newPassword: '[redacted]',
      headers: { Authorization: '[redacted]', 'x-api-key': '[redacted]', Cookie: '[redacted]' },
      list: [{ client_secret: '[redacted]' }],
    });
    expect(isDeniedKey('tokenCount')).toBe(true);
    expect(isDeniedKey('tokenCount', { allow: ['tokenCount'] })).toBe(false);
    expect(isDeniedKey('iban', { deny: ['IBAN'] })).toBe(true);
  });

  it('masks card numbers in text when they pass the Luhn check, and nothing else', () => {
    expect(redact({ note: 'paid with 4111 1111 1111 1111 today' })).toEqual({
      note: 'paid with [card number] today',
    });
    expect(redact({ note: '4111-1111-1111-1111' })).toEqual({ note: '[card number]' });
    // An order number of the same length that fails Luhn stays.
    expect(redact({ note: 'order 4111111111111112' })).toEqual({ note: 'order 4111111111111112' });
  });

  it('records that a secret changed, not its values; an unchanged secret is left out', () => {
    expect(
      redactChanges({
        before: { name: 'Ada', password: 'old', token: 't' },
        after: { name: 'Ada L', password: 'new', token: 't' },
      }),
    ).toEqual({
      before: { name: 'Ada', password: '[changed]' },
      after: { name: 'Ada L', password: '[changed]' },
    });
    expect(redactChanges({ after: { apiKey: 'k' } })).toEqual({ after: { apiKey: '[changed]' } });
  });

  it('turns any value into JSON the log accepts', () => {
    const shared = { x: 1 };
    const cyclic: Record<string, unknown> = {
      n: 1n,
      at: new Date('2026-01-02T03:04:05Z'),
      gone: undefined,
      fn: () => 1,
      list: [undefined, Number.NaN, shared, shared],
    };
    cyclic.self = cyclic;
    expect(redact(cyclic)).toEqual({
      n: '1',
      at: '2026-01-02T03:04:05.000Z',
      list: [null, null, { x: 1 }, { x: 1 }],
      self: '[circular]',
    });
    expect(redact(undefined)).toBeNull();
  });
});
