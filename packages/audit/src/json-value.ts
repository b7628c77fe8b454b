import { textProblem } from './text';

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const JSON_MAX_DEPTH = 16;

/**
 * Walks a parsed JSON value and returns the path and reason of the first part that the
 * store could not keep exactly: bad text, non-finite numbers, or nesting past the limit.
 * The path is built only for a problem found, on the way back out: the server walks
 * every event's metadata, and a path array made for each node was most of the walk.
 */
export function jsonProblem(
  value: unknown,
  depth = 0,
): { path: (string | number)[]; message: string } | undefined {
  if (depth > JSON_MAX_DEPTH) {
    return { path: [], message: `must not nest deeper than ${JSON_MAX_DEPTH} levels` };
  }
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { path: [], message: problem } : undefined;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : { path: [], message: 'must be a finite number' };
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = jsonProblem(value[index], depth + 1);
      if (problem) return { ...problem, path: [index, ...problem.path] };
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const key in value) {
      const keyProblem = textProblem(key);
      if (keyProblem) return { path: [key], message: `key ${keyProblem}` };
      const problem = jsonProblem((value as Record<string, unknown>)[key], depth + 1);
      if (problem) return { ...problem, path: [key, ...problem.path] };
    }
    return undefined;
  }
  return {
    path: [],
    message: 'must be plain JSON (objects, arrays, strings, numbers, booleans, null)',
  };
}

/**
 * The length in bytes of `value` as UTF-8 JSON, counted without encoding it (the
 * dashboard has no Buffer, and TextEncoder made a copy of every event's metadata).
 * JSON.stringify escapes lone surrogates, so each UTF-16 unit of a pair is 2 bytes.
 */
export function utf8Length(value: unknown): number {
  const text = JSON.stringify(value);
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    bytes += unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff) ? 1 : 2;
  }
  return bytes;
}
