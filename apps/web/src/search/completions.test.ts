import { describe, expect, it } from 'vitest';
import { completionsAt } from './completions';

describe('search completions', () => {
  it('offers the qualifiers a word starts', () => {
    expect(completionsAt('outcome:failure act', 19).map((c) => c.label)).toEqual([
      'action:',
      'actor:',
      'actor_type:',
    ]);
    const [action] = completionsAt('-act x', 4);
    expect(action).toEqual({ label: 'action:', text: '-action: x', caret: 8 });
  });

  it('offers the known values of the qualifier being typed, and nothing for free values', () => {
    expect(completionsAt('outcome:f', 9)).toEqual([
      { label: 'outcome:failure', text: 'outcome:failure ', caret: 16 },
    ]);
    expect(completionsAt('actor_type:', 11).map((c) => c.label)).toEqual([
      'actor_type:user',
      'actor_type:service',
      'actor_type:system',
    ]);
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(completionsAt('created:', 8, now)[1]?.label).toBe('created:>=2026-11-22');
    expect(completionsAt('actor:al', 8)).toEqual([]);
    expect(completionsAt('"quoted act', 11)).toEqual([]);
    expect(completionsAt('', 0)).toEqual([]);
  });
});
