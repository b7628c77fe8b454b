import { z } from 'zod';
import { actionFilter } from '../action';
import { actorTypes, outcomes } from '../event';
import { LIMITS } from '../limits';
import { textProblem } from '../text';
import { type SearchProblem, type SearchToken, tokenize } from './search-syntax';

/**
 * What each term of a search means. The rules, as the README states them:
 * - `action:user.role_changed` is exact; `action:user.*` matches every action under
 *   `user.` (actions are lower case, so the value is lowered);
 * - `actor:` matches the actor's id exactly or their email in any case;
 * - `resource:invoice` is the type; `resource:invoice/42` the type and the id, both exact
 *   (the id is everything after the first `/`, colons and slashes included);
 * - `ip:` an address, or every address in a network (`203.0.113.0/24`);
 * - `outcome:`, `actor_type:` and `request:` are exact;
 * - `created:` takes `>=`, `>`, `<=`, `<` or nothing before a UTC day (`2026-01-31`, the
 *   whole day) or instant (`2026-01-31T12:00:00Z`), or a range of days `A..B`, both
 *   included;
 * - free text matches, in any case, inside the metadata (as JSON) and the resource id.
 * Terms on different things must all hold; several terms on one thing match any of them
 * (`action:user.* action:auth.*`), except `created:` terms and words of free text, which
 * narrow together; `-` excludes what a term matches.
 */
export type SearchTerm = { negated: boolean } & (
  | { kind: 'action'; match: { exact: string } | { prefix: string } }
  | { kind: 'actor'; value: string }
  | { kind: 'actor_type'; value: (typeof actorTypes)[number] }
  | { kind: 'resource'; type: string; id?: string }
  | { kind: 'ip'; value: string; network: boolean }
  | { kind: 'outcome'; value: (typeof outcomes)[number] }
  | { kind: 'request'; value: string }
  | { kind: 'created'; from?: string; to?: string }
  | { kind: 'text'; value: string }
);

/** The qualifiers whose every value is known, for a search box to offer. */
export const KNOWN_VALUES = { outcome: outcomes, actor_type: actorTypes } as const;

export const SEARCH_MAX_LENGTH = 1000;
export const SEARCH_MAX_TERMS = 20;

export interface ParsedSearch {
  terms: SearchTerm[];
  /** Each with the characters at fault; a query with any is refused as a whole. */
  problems: SearchProblem[];
}

export function parseSearch(text: string): ParsedSearch {
  if (text.length > SEARCH_MAX_LENGTH) {
    return {
      terms: [],
      problems: [
        {
          start: SEARCH_MAX_LENGTH,
          end: text.length,
          message: `a search is at most ${SEARCH_MAX_LENGTH} characters`,
        },
      ],
    };
  }
  const { tokens, problems } = tokenize(text);
  const terms: SearchTerm[] = [];
  for (const token of tokens) {
    const meaning = termOf(token);
    if (typeof meaning === 'string') {
      problems.push({ start: token.valueStart, end: token.end, message: meaning });
    } else terms.push(meaning);
  }
  if (tokens.length > SEARCH_MAX_TERMS) {
    const extra = tokens[SEARCH_MAX_TERMS] as SearchToken;
    problems.push({
      start: extra.start,
      end: text.length,
      message: `a search has at most ${SEARCH_MAX_TERMS} terms`,
    });
  }
  problems.sort((a, b) => a.start - b.start);
  return { terms, problems };
}

const ipAddress = z.union([z.ipv4(), z.ipv6()]);
const ipNetwork = z.union([z.cidrv4(), z.cidrv6()]);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isoDay = z.iso.date();
const isoInstant = z.iso.datetime({ offset: true, local: true });
const DAY_MS = 86_400_000;

/** The term a token means, or why it means nothing. */
function termOf(token: SearchToken): SearchTerm | string {
  const { value, negated } = token;
  const problem = textProblem(value);
  if (problem) return `the value ${problem}`;
  switch (token.qualifier) {
    case 'action': {
      const lowered = value.toLowerCase();
      if (!/^[a-z0-9_.]+\*?$/.test(lowered) || lowered.length > LIMITS.action) {
        return 'an action is lower-case words joined by dots, optionally ending in * (user.*)';
      }
      return { kind: 'action', negated, match: actionFilter(lowered) };
    }
    case 'actor':
      if (value === '' || value.length > LIMITS.actorEmail) return 'an actor is an id or an email';
      return { kind: 'actor', negated, value };
    case 'actor_type': {
      const type = actorTypes.find((t) => t === value.toLowerCase());
      return type
        ? { kind: 'actor_type', negated, value: type }
        : `an actor type is one of ${actorTypes.join(', ')}`;
    }
    case 'outcome': {
      const outcome = outcomes.find((o) => o === value.toLowerCase());
      return outcome
        ? { kind: 'outcome', negated, value: outcome }
        : `an outcome is ${outcomes.join(' or ')}`;
    }
    case 'resource': {
      const slash = value.indexOf('/');
      const type = slash < 0 ? value : value.slice(0, slash);
      const id = slash < 0 ? undefined : value.slice(slash + 1);
      if (type === '' || type.length > LIMITS.resourceType || id === '') {
        return 'a resource is a type (invoice) or a type and an id (invoice/42)';
      }
      if (id !== undefined && id.length > LIMITS.resourceId) return 'the resource id is too long';
      return { kind: 'resource', negated, type, ...(id !== undefined && { id }) };
    }
    case 'ip':
      if (ipAddress.safeParse(value).success) return { kind: 'ip', negated, value, network: false };
      if (ipNetwork.safeParse(value).success) return { kind: 'ip', negated, value, network: true };
      return 'an ip is an IPv4 or IPv6 address, or a network such as 203.0.113.0/24';
    case 'request':
      if (value === '' || value.length > LIMITS.requestId) return 'a request is a request id';
      return { kind: 'request', negated, value };
    case 'created': {
      if (negated) return 'created: cannot be negated; use < or > instead';
      const range = createdRange(value);
      return typeof range === 'string' ? range : { kind: 'created', negated, ...range };
    }
    case 'text':
      if (value === '') return 'free text cannot be empty';
      if (value.length > 256) return 'free text is at most 256 characters';
      return { kind: 'text', negated, value };
  }
}

const CREATED_RULE =
  'created: takes a UTC day or instant, after >=, >, <=, < or nothing (created:>=2026-01-01), or a range of days (2026-01-01..2026-01-31)';

/** A time's span: a day lasts a day, an instant a millisecond. */
function span(text: string): { start: number; end: number } | undefined {
  if (DAY.test(text)) {
    if (!isoDay.safeParse(text).success) return undefined;
    const start = Date.parse(`${text}T00:00:00Z`);
    return { start, end: start + DAY_MS };
  }
  if (!isoInstant.safeParse(text).success) return undefined;
  // Without an offset an instant is UTC, as a day is: never the server's local time.
  const start = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`);
  return Number.isNaN(start) ? undefined : { start, end: start + 1 };
}

function createdRange(value: string): { from?: string; to?: string } | string {
  const iso = (ms: number) => new Date(ms).toISOString();
  const dots = value.indexOf('..');
  if (dots >= 0) {
    const first = span(value.slice(0, dots));
    const last = span(value.slice(dots + 2));
    if (!first || !last) return CREATED_RULE;
    if (first.start >= last.end) return 'the range ends before it starts';
    return { from: iso(first.start), to: iso(last.end) };
  }
  const op = /^(>=|<=|>|<)?(.*)$/.exec(value) as RegExpExecArray;
  const time = span(op[2] as string);
  if (!time) return CREATED_RULE;
  switch (op[1]) {
    case '>=':
      return { from: iso(time.start) };
    case '>':
      return { from: iso(time.end) };
    case '<=':
      return { to: iso(time.end) };
    case '<':
      return { to: iso(time.start) };
    default:
      return { from: iso(time.start), to: iso(time.end) };
  }
}

/** A problem as an API error says it: where, what is there, and what is wrong. */
export function searchProblemText(q: string, problem: SearchProblem): string {
  const at = q.slice(problem.start, problem.end);
  return `at characters ${problem.start + 1}-${Math.max(problem.end, problem.start + 1)}${at ? ` ("${at.slice(0, 40)}")` : ''}: ${problem.message}`;
}
