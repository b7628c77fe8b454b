import { describe, expect, it } from 'vitest';
import { histogramSpan } from './histogram-bins';

const at = (iso: string) => Date.parse(iso);

describe('histogram buckets', () => {
  it('picks the smallest width that keeps the view within 120 bars, aligned to it', () => {
    const now = at('2026-11-29T12:34:56Z');
    const day = histogramSpan({ from: '2026-11-28T12:34:56Z' }, 0, now);
    expect(day.width).toBe(15 * 60_000);
    expect(new Date(day.from).toISOString()).toBe('2026-11-28T12:30:00.000Z');
    expect(new Date(day.to).toISOString()).toBe('2026-11-29T12:45:00.000Z');
    expect(histogramSpan({}, at('2026-09-01T00:00:00Z'), now).width).toBe(86_400_000);
  });

  it("narrows to the search's created: range", () => {
    const span = histogramSpan(
      { q: 'created:>=2026-11-01 created:<2026-11-02 action:user.*', from: '2026-10-01T00:00:00Z' },
      0,
      at('2026-11-29T00:00:00Z'),
    );
    expect(span.width).toBe(15 * 60_000);
    expect([span.from, span.to]).toEqual([at('2026-11-01T00:00:00Z'), at('2026-11-02T00:00:00Z')]);
  });
});
