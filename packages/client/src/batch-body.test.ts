import { describe, expect, it } from 'vitest';
import { BatchBody } from './batch-body';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('a logMany request body', () => {
  it('is the events as one JSON array, non-ASCII text intact', () => {
    const body = new BatchBody(1024);
    for (const note of ['a', 'é€', '😀']) expect(body.add(JSON.stringify({ note }))).toBe(true);
    expect(JSON.parse(text(body.finish()))).toEqual([
      { note: 'a' },
      { note: 'é€' },
      { note: '😀' },
    ]);
  });

  it('is an empty array when nothing was added', () => {
    expect(text(new BatchBody(1024).finish())).toBe('[]');
  });

  it('counts the limit in bytes, not characters', () => {
    // 20 euro signs are 22 characters of JSON but 62 bytes.
    const euros = JSON.stringify('€'.repeat(20));
    const body = new BatchBody(100);
    expect(body.add(euros)).toBe(true);
    expect(body.add(euros)).toBe(false);
    expect(body.count).toBe(1);
    expect(JSON.parse(text(body.finish()))).toEqual(['€'.repeat(20)]);
  });

  it('takes a first event larger than the limit, for the server to refuse', () => {
    const body = new BatchBody(10);
    expect(body.add(JSON.stringify('x'.repeat(50)))).toBe(true);
    expect(body.add('1')).toBe(false);
  });

  it('grows past its first buffer', () => {
    const body = new BatchBody(1 << 20);
    const event = JSON.stringify({ note: 'ü'.repeat(10_000) });
    for (let i = 0; i < 20; i++) expect(body.add(event)).toBe(true);
    expect(JSON.parse(text(body.finish()))).toHaveLength(20);
  });
});
