/**
 * The search box's language, as GitHub's audit-log search reads it: `qualifier:value`
 * terms and free text, separated by spaces, each optionally negated with a leading `-`;
 * values with spaces or quotes go in double quotes (`\"` and `\\` inside). This file
 * only splits the text into terms with their positions; search-terms.ts gives each its
 * meaning, so the box can underline the exact characters at fault.
 */

export const QUALIFIERS = [
  'action',
  'actor',
  'actor_type',
  'resource',
  'ip',
  'outcome',
  'request',
  'created',
] as const;
export type Qualifier = (typeof QUALIFIERS)[number];

export interface SearchToken {
  /** `text` for free text. */
  qualifier: Qualifier | 'text';
  value: string;
  negated: boolean;
  /** The term's characters in the query, [start, end). */
  start: number;
  end: number;
  /** Where the value starts, for messages about the value alone. */
  valueStart: number;
}

export interface SearchProblem {
  start: number;
  end: number;
  message: string;
}

const isSpace = (char: string | undefined) => char !== undefined && /\s/.test(char);
const QUALIFIER_NAME = /^[A-Za-z_]+$/;

/** Splits a query into terms; a problem leaves its term out and is reported in place. */
export function tokenize(text: string): { tokens: SearchToken[]; problems: SearchProblem[] } {
  const tokens: SearchToken[] = [];
  const problems: SearchProblem[] = [];
  let i = 0;
  while (i < text.length) {
    if (isSpace(text[i])) {
      i++;
      continue;
    }
    const start = i;
    const negated = text[i] === '-' && i + 1 < text.length && !isSpace(text[i + 1]);
    if (negated) i++;
    let qualifier: SearchToken['qualifier'] = 'text';
    let valueStart = i;
    if (text[i] !== '"') {
      const colon = wordEnd(text, i, ':');
      const name = text.slice(i, colon);
      if (text[colon] === ':' && QUALIFIER_NAME.test(name)) {
        const known = QUALIFIERS.find((q) => q === name.toLowerCase());
        if (!known) {
          problems.push({
            start: i,
            end: colon,
            message: `unknown qualifier "${name}" (known: ${QUALIFIERS.join(', ')}); to search for text with a colon, put it in quotes`,
          });
          i = wordEnd(text, colon);
          continue;
        }
        qualifier = known;
        valueStart = colon + 1;
      }
    }
    const read = readValue(text, valueStart);
    i = read.end;
    if ('problem' in read) {
      problems.push(read.problem);
      continue;
    }
    if (read.value === '' && !read.quoted) {
      problems.push({ start, end: i, message: `${qualifier}: needs a value` });
      continue;
    }
    tokens.push({ qualifier, value: read.value, negated, start, end: i, valueStart });
  }
  return { tokens, problems };
}

/** The end of a bare word: the next space or quote (or `stop`, when given). */
function wordEnd(text: string, from: number, stop?: string): number {
  let i = from;
  while (i < text.length && !isSpace(text[i]) && text[i] !== '"' && text[i] !== stop) i++;
  return i;
}

type ReadValue =
  | { value: string; quoted: boolean; end: number }
  | { problem: SearchProblem; end: number };

function readValue(text: string, from: number): ReadValue {
  if (text[from] !== '"') {
    const end = wordEnd(text, from);
    if (text[end] === '"') {
      const after = wordEnd(text, end + 1);
      return {
        problem: { start: end, end: end + 1, message: 'a quote must start a value, not end it' },
        end: Math.max(after, end + 1),
      };
    }
    return { value: text.slice(from, end), quoted: false, end };
  }
  let value = '';
  for (let i = from + 1; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[i + 1];
      i++;
    } else if (char === '"') {
      if (i + 1 < text.length && !isSpace(text[i + 1])) {
        return {
          problem: { start: i + 1, end: i + 2, message: 'put a space after a closing quote' },
          end: wordEnd(text, i + 1),
        };
      }
      return { value, quoted: true, end: i + 1 };
    } else value += char;
  }
  return {
    problem: { start: from, end: text.length, message: 'this quote is never closed' },
    end: text.length,
  };
}

/** A value as the language writes it: bare when it can be, else quoted. */
export function quoteValue(value: string, qualified: boolean): string {
  const bare =
    value !== '' &&
    !/[\s"]/.test(value) &&
    // Free text that looks like a qualifier or a negation must be quoted to stay text.
    (qualified || (!value.startsWith('-') && !value.includes(':')));
  return bare ? value : `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** The query text of a list of terms; tokenize() reads it back to the same terms. */
export function printTokens(tokens: Pick<SearchToken, 'qualifier' | 'value' | 'negated'>[]) {
  return tokens
    .map(
      (t) =>
        `${t.negated ? '-' : ''}${t.qualifier === 'text' ? '' : `${t.qualifier}:`}${quoteValue(t.value, t.qualifier !== 'text')}`,
    )
    .join(' ');
}

/**
 * A search's one actor: term, taken out (the rest reprinted), when it has exactly one and
 * no other actor term: a store can then read that actor through its own indexes.
 */
export function takeActor(q: string): { actor: string; rest: string } | undefined {
  const { tokens, problems } = tokenize(q);
  const actors = tokens.filter((t) => t.qualifier === 'actor');
  const [only] = actors;
  if (problems.length > 0 || actors.length !== 1 || !only || only.negated) return undefined;
  return { actor: only.value, rest: printTokens(tokens.filter((t) => t !== only)) };
}

/** The search without its terms on `qualifier` (reprinted), for counts that leave them out. */
export function withoutQualifier(q: string, qualifier: Qualifier): string {
  const { tokens } = tokenize(q);
  return printTokens(tokens.filter((t) => t.qualifier !== qualifier));
}
