import { describe, expect, it } from 'vitest';
import { termState, toggleTerm, withCreatedRange } from './search-edits';

describe('edits to the search', () => {
  it('includes a value, then takes it out again', () => {
    const q = toggleTerm('refund', 'action', 'invoice.refunded');
    expect(q).toBe('refund action:invoice.refunded');
    expect(termState(q, 'action', 'invoice.refunded')).toBe('included');
    expect(toggleTerm(q, 'action', 'invoice.refunded')).toBe('refund');
  });

  it('swaps an inclusion for an exclusion, and quotes what needs it', () => {
    const q = toggleTerm('actor:"Ann B"', 'actor', 'Ann B', true);
    expect(q).toBe('-actor:"Ann B"');
    expect(termState(q, 'actor', 'Ann B')).toBe('excluded');
    expect(toggleTerm(q, 'actor', 'Ann B')).toBe('actor:"Ann B"');
  });

  it('replaces the created: range, keeping the rest', () => {
    expect(
      withCreatedRange(
        'created:>=2026-01-01 action:user.*',
        '2026-11-01T00:00:00.000Z',
        '2026-11-02T00:00:00.000Z',
      ),
    ).toBe('action:user.* created:>=2026-11-01T00:00:00.000Z created:<2026-11-02T00:00:00.000Z');
  });
});
