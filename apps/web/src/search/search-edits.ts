import { printTokens, type Qualifier, tokenize } from '@auditlog/audit/search';

export type TermState = 'included' | 'excluded' | undefined;

/** Whether the search includes or excludes `qualifier:value`. */
export function termState(q: string, qualifier: Qualifier, value: string): TermState {
  const token = tokenize(q).tokens.find((t) => t.qualifier === qualifier && t.value === value);
  if (!token) return undefined;
  return token.negated ? 'excluded' : 'included';
}

/**
 * The search with `qualifier:value` included (or excluded), or taken out when it already
 * was: what a click on a facet's value does. Including a value drops its exclusion and the
 * other way round; the rest of the search is kept as typed, reprinted.
 */
export function toggleTerm(
  q: string,
  qualifier: Qualifier,
  value: string,
  exclude = false,
): string {
  const { tokens } = tokenize(q);
  const was = termState(q, qualifier, value);
  const rest = tokens.filter((t) => !(t.qualifier === qualifier && t.value === value));
  const now: TermState = exclude ? 'excluded' : 'included';
  if (was === now) return printTokens(rest);
  return printTokens([...rest, { qualifier, value, negated: exclude }]);
}

/** The search with its created: terms replaced by the range [from, to). */
export function withCreatedRange(q: string, from: string, to: string): string {
  const rest = tokenize(q).tokens.filter((t) => t.qualifier !== 'created');
  return printTokens([
    ...rest,
    { qualifier: 'created', value: `>=${from}`, negated: false },
    { qualifier: 'created', value: `<${to}`, negated: false },
  ]);
}

/** The search with `qualifier:value` included, whatever it said of that value before. */
export function withTerm(q: string, qualifier: Qualifier, value: string): string {
  return termState(q, qualifier, value) === 'included' ? q : toggleTerm(q, qualifier, value);
}
