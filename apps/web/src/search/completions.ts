import { KNOWN_VALUES, QUALIFIERS } from '@auditlog/audit/search';

export interface Completion {
  /** What the list shows. */
  label: string;
  /** The query with the word at the caret replaced, and where the caret goes after. */
  text: string;
  caret: number;
}

const DAY = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Values worth offering for a qualifier; others (actors, ids) are typed. */
function knownValues(qualifier: string, now: number): string[] {
  switch (qualifier) {
    case 'outcome':
    case 'actor_type':
      return [...KNOWN_VALUES[qualifier]];
    case 'created':
      return [
        `>=${utcDay(now - DAY)}`,
        `>=${utcDay(now - 7 * DAY)}`,
        `>=${utcDay(now - 30 * DAY)}`,
      ];
    default:
      return [];
  }
}

/**
 * What the search box offers for the word under the caret: qualifiers whose name starts
 * with it (`act` → action:, actor:, actor_type:), then the known values of a qualifier
 * being filled in (`outcome:f` → outcome:failure).
 */
export function completionsAt(query: string, caret: number, now = Date.now()): Completion[] {
  let start = caret;
  while (start > 0 && !/\s/.test(query[start - 1] as string)) start--;
  let end = caret;
  while (end < query.length && !/\s/.test(query[end] as string)) end++;
  const word = query.slice(start, caret);
  const negation = word.startsWith('-') ? '-' : '';
  const bare = word.slice(negation.length);
  // Inside quotes everything is a value being typed.
  const quotesBefore = query.slice(0, start).match(/(?<!\\)"/g)?.length ?? 0;
  if (bare.includes('"') || quotesBefore % 2 === 1) return [];
  const replace = (insert: string) => ({
    text: query.slice(0, start) + insert + query.slice(end),
    caret: start + insert.length,
  });
  const colon = bare.indexOf(':');
  if (colon < 0) {
    if (bare === '') return [];
    return QUALIFIERS.filter((q) => q.startsWith(bare.toLowerCase()) && q !== bare).map((q) => ({
      label: `${q}:`,
      ...replace(`${negation}${q}:`),
    }));
  }
  const qualifier = bare.slice(0, colon).toLowerCase();
  const typed = bare.slice(colon + 1).toLowerCase();
  return knownValues(qualifier, now)
    .filter((v) => v.toLowerCase().startsWith(typed) && v.toLowerCase() !== typed)
    .map((v) => ({ label: `${qualifier}:${v}`, ...replace(`${negation}${qualifier}:${v} `) }));
}
