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
 */
export function jsonProblem(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; message: string } | undefined {
  if (path.length > JSON_MAX_DEPTH) {
    return { path, message: `must not nest deeper than ${JSON_MAX_DEPTH} levels` };
  }
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem ? { path, message: problem } : undefined;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : { path, message: 'must be a finite number' };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = jsonProblem(item, [...path, index]);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) return { path: [...path, key], message: `key ${keyProblem}` };
      const problem = jsonProblem(item, [...path, key]);
      if (problem) return problem;
    }
    return undefined;
  }
  return {
    path,
    message: 'must be plain JSON (objects, arrays, strings, numbers, booleans, null)',
  };
}

export function utf8Length(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}
