import { z } from 'zod';

// PostgreSQL rejects NUL in text and jsonb, and a lone surrogate cannot be encoded as
// UTF-8 without being replaced. Either would make the stored event differ from what the
// caller sent, so such text is refused instead of being silently altered.
const NUL = 'must not contain NUL characters';
const LONE = 'must be valid Unicode (it contains a lone surrogate)';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A string that the store keeps exactly as sent: at most `max` characters, no NUL and no
 * lone surrogate. Every text input of every procedure and route goes through it.
 * Plain `refine` checks, not a `superRefine`: z.compile inlines them as direct calls.
 */
export const safeText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !value.includes('\u0000'), NUL)
    .refine((value) => !LONE_SURROGATE.test(value), LONE);

export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return NUL;
  if (LONE_SURROGATE.test(value)) return LONE;
  return undefined;
}
