import { describe, expect, it } from 'vitest';
import { formatTime } from './format';

describe('times', () => {
  it('say their zone, in UTC when chosen', () => {
    expect(formatTime('2026-11-29T13:05:09.000Z', 'utc')).toMatch(/0?1:05:09 PM UTC|13:05:09 UTC/);
  });
});
