import { z } from 'zod';

// PostgreSQL rejects NUL in text and jsonb, and a lone surrogate cannot be encoded as
// UTF-8 without being replaced. Either would make the stored event differ from what the
// caller sent, so such text is refused instead of being silently altered.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A string that the store keeps exactly as sent: at most `max` characters, no NUL and no
 * lone surrogate. Every text input of every procedure and route goes through it.
 */
export const safeText = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((value, ctx) => {
      const problem = textProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (it contains a lone surrogate)';
  return undefined;
}
