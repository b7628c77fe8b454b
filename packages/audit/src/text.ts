// PostgreSQL rejects NUL in text and jsonb, and a lone surrogate cannot be encoded as
// UTF-8 without being replaced. Either would make the stored event differ from what the
// caller sent, so such text is refused instead of being silently altered.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (it contains a lone surrogate)';
  return undefined;
}
