import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventFilterSchema } from '../query';
import { printTokens, QUALIFIERS, takeActor, tokenize } from './search-syntax';
import { parseSearch } from './search-terms';

describe('the search language', () => {
  it('reads qualifiers, negation, quotes and free text', () => {
    const { terms, problems } = parseSearch(
      'action:user.* -action:auth.signed_in actor:Alice@Example.com resource:invoice/inv:42/a ' +
        'ip:203.0.113.0/24 outcome:FAILURE actor_type:service request:req_1 "two words" refund',
    );
    expect(problems).toEqual([]);
    expect(terms).toEqual([
      { kind: 'action', negated: false, match: { prefix: 'user.' } },
      { kind: 'action', negated: true, match: { exact: 'auth.signed_in' } },
      { kind: 'actor', negated: false, value: 'Alice@Example.com' },
      { kind: 'resource', negated: false, type: 'invoice', id: 'inv:42/a' },
      { kind: 'ip', negated: false, value: '203.0.113.0/24', network: true },
      { kind: 'outcome', negated: false, value: 'failure' },
      { kind: 'actor_type', negated: false, value: 'service' },
      { kind: 'request', negated: false, value: 'req_1' },
      { kind: 'text', negated: false, value: 'two words' },
      { kind: 'text', negated: false, value: 'refund' },
    ]);
  });

  it('reads created: as UTC days, instants and ranges', () => {
    const created = (q: string) => parseSearch(q).terms[0];
    expect(created('created:2026-01-31')).toMatchObject({
      from: '2026-01-31T00:00:00.000Z',
      to: '2026-02-01T00:00:00.000Z',
    });
    expect(created('created:>2026-01-31')).toEqual({
      kind: 'created',
      negated: false,
      from: '2026-02-01T00:00:00.000Z',
    });
    expect(created('created:<=2026-01-31')).toMatchObject({ to: '2026-02-01T00:00:00.000Z' });
    expect(created('created:<2026-01-31T10:00:00+02:00')).toMatchObject({
      to: '2026-01-31T08:00:00.000Z',
    });
    expect(created('created:>=2026-01-31T10:00')).toMatchObject({
      from: '2026-01-31T10:00:00.000Z',
    });
    expect(created('created:2026-01-01..2026-01-31')).toMatchObject({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-02-01T00:00:00.000Z',
    });
  });

  it('points at the characters at fault', () => {
    const problems = (q: string) => parseSearch(q).problems;
    expect(problems('actor:bob colour:red')).toEqual([
      expect.objectContaining({
        start: 10,
        end: 16,
        message: expect.stringMatching(/unknown qualifier "colour"/),
      }),
    ]);
    expect(problems('action:User.Bad-Name')).toEqual([
      expect.objectContaining({
        start: 7,
        end: 20,
        message: expect.stringMatching(/lower-case words/),
      }),
    ]);
    expect(problems('ip:300.1.1.1')).toEqual([expect.objectContaining({ start: 3, end: 12 })]);
    expect(problems('created:2026-02-30')).toEqual([
      expect.objectContaining({ start: 8, end: 18 }),
    ]);
    expect(problems('created:2026-02-01..2026-01-01')).toEqual([
      expect.objectContaining({ message: 'the range ends before it starts' }),
    ]);
    expect(problems('-created:>2026-01-01')).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/cannot be negated/) }),
    ]);
    expect(problems('actor:"bob')).toEqual([
      expect.objectContaining({ start: 6, end: 10, message: 'this quote is never closed' }),
    ]);
    expect(problems('outcome:')).toEqual([
      expect.objectContaining({ start: 0, end: 8, message: 'outcome: needs a value' }),
    ]);
    expect(problems('"a"b')).toEqual([expect.objectContaining({ start: 3, end: 4 })]);
    expect(problems('x'.repeat(1001))).toHaveLength(1);
    expect(problems(Array.from({ length: 21 }, (_, i) => `t${i}`).join(' '))).toEqual([
      expect.objectContaining({ message: 'a search has at most 20 terms' }),
    ]);
  });

  it('lets a resource id or text with a colon be searched when quoted', () => {
    expect(parseSearch('"arn:aws:s3:::logs"').terms).toEqual([
      { kind: 'text', negated: false, value: 'arn:aws:s3:::logs' },
    ]);
    expect(parseSearch('resource:"bucket/arn:aws:s3:::logs"').terms).toEqual([
      { kind: 'resource', negated: false, type: 'bucket', id: 'arn:aws:s3:::logs' },
    ]);
    // A time of day is not a qualifier.
    expect(parseSearch('10:30').terms).toEqual([{ kind: 'text', negated: false, value: '10:30' }]);
  });

  it('takes out a lone actor: term for the store to read by index', () => {
    expect(takeActor('action:user.* actor:"Ann B" x')).toEqual({
      actor: 'Ann B',
      rest: 'action:user.* x',
    });
    expect(takeActor('actor:a actor:b')).toBeUndefined();
    expect(takeActor('-actor:a')).toBeUndefined();
    expect(takeActor('actor:a outcome:maybe"')).toBeUndefined();
  });

  it('is refused by the API filter with the position in the message', () => {
    const result = eventFilterSchema.safeParse({ q: 'outcome:maybe' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      'at characters 9-13 ("maybe"): an outcome is success or failure',
    );
    expect(eventFilterSchema.safeParse({ q: 'action:user.*' }).success).toBe(true);
  });

  const token = fc.record({
    qualifier: fc.constantFrom('text' as const, ...QUALIFIERS),
    value: fc.string({ minLength: 1, maxLength: 12 }),
    negated: fc.boolean(),
  });

  it('reads back every query it prints, term for term', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (tokens) => {
        const printed = printTokens(tokens);
        const read = tokenize(printed);
        expect(read.problems).toEqual([]);
        expect(
          read.tokens.map(({ qualifier, value, negated }) => ({ qualifier, value, negated })),
        ).toEqual(tokens);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws, and every problem lies inside the query', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (q) => {
        for (const problem of parseSearch(q).problems) {
          expect(problem.start).toBeGreaterThanOrEqual(0);
          expect(problem.end).toBeGreaterThanOrEqual(problem.start);
          expect(problem.end).toBeLessThanOrEqual(q.length);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
