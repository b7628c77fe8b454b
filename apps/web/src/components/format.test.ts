import { describe, expect, it } from 'vitest';
import { formatTime, instantOf, wallTime } from './format';

describe('times', () => {
  it('say their zone, in UTC when chosen', () => {
    expect(formatTime('2026-11-29T13:05:09.000Z', 'utc')).toMatch(/0?1:05:09 PM UTC|13:05:09 UTC/);
  });
});

describe('calendar fields', () => {
  it('show an instant in the chosen zone and read it back to the same instant', () => {
    const iso = '2026-03-29T01:30:00.000Z';
    expect(wallTime(iso, 'utc')).toBe('2026-03-29T01:30');
    expect(instantOf('2026-03-29T01:30', 'utc')).toBe(iso);
    // Local: whatever the machine's zone, the round trip keeps the instant.
    expect(instantOf(wallTime(iso, 'local'), 'local')).toBe(iso);
    expect(wallTime('not a time', 'utc')).toBe('');
    expect(instantOf('', 'utc')).toBe('');
  });
});
