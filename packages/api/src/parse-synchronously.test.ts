import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseSynchronously } from './parse-synchronously';

const schema = () =>
  z.compile(
    z
      .object({ n: z.number().int(), name: z.string().min(2).default('anon') })
      .refine((v) => v.n !== 13, { path: ['n'], error: 'unlucky' }),
    { strict: true },
  );

describe('a compiled input schema checked synchronously', () => {
  it('answers what parseAsync answers, for valid and invalid input alike', async () => {
    const original = schema();
    const sync = parseSynchronously(schema());
    for (const input of [{ n: 1 }, { n: 2, name: 'ab' }, { n: 1.5 }, { n: 13 }, { name: 'x' }, 7]) {
      const want = await original.parseAsync(input).catch((e: z.ZodError) => e.issues);
      const got = await sync.parseAsync(input).catch((e: z.ZodError) => e.issues);
      expect(got).toEqual(want);
    }
  });

  it('rejects rather than throws, as tRPC expects of parseAsync', async () => {
    const pending = parseSynchronously(schema()).parseAsync({ n: 13 });
    await expect(pending).rejects.toThrow('unlucky');
  });
});
