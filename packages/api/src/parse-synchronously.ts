import type { z } from 'zod';

/**
 * The schema, with tRPC's input check routed to its synchronous parse. tRPC validates
 * through `parseAsync`, and a z.compile'd schema skips its generated code on any async
 * parse: the logMany batch was checked by zod's interpreter at 7.8 µs an event instead
 * of 3.4 µs. The schemas given here have no async refinements, so nothing else changes:
 * the same value, or the same ZodError, which tRPC answers as BAD_REQUEST.
 */
export function parseSynchronously<T extends z.ZodType>(schema: T): T {
  return Object.assign(schema, {
    parseAsync: async (data: unknown) => schema.parse(data),
  });
}
