import type { EventFilter } from '@auditlog/audit';

/**
 * What the filter bar holds, as typed: dates are whole local days (yyyy-mm-dd) and the
 * "to" day is included. Kept in the page's URL so a filtered view can be bookmarked and
 * sent to a colleague.
 */
export interface FilterForm {
  /** The search box, in the query language (packages/audit/src/search). */
  q: string;
  actor: string;
  action: string;
  resource: string;
  /** A relative range (`24h`), kept relative in the URL; or whole days in from / to. */
  range: string;
  from: string;
  to: string;
  /** The open event's id: not a filter, but part of the view a link reproduces. */
  event: string;
}

/** The relative ranges offered, as the URL writes them, with their length. */
export const RANGES = {
  '15m': { label: 'Last 15 minutes', ms: 15 * 60_000 },
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000 },
  '90d': { label: 'Last 90 days', ms: 90 * 86_400_000 },
} as const;

export const EMPTY_FORM: FilterForm = {
  q: '',
  actor: '',
  action: '',
  resource: '',
  range: '',
  from: '',
  to: '',
  event: '',
};

const KEYS = Object.keys(EMPTY_FORM) as (keyof FilterForm)[];

export function formFromSearch(search: string): FilterForm {
  const params = new URLSearchParams(search);
  return Object.fromEntries(KEYS.map((k) => [k, params.get(k) ?? ''])) as unknown as FilterForm;
}

export function searchFromForm(form: FilterForm): string {
  const params = new URLSearchParams();
  for (const key of KEYS) if (form[key].trim()) params.set(key, form[key].trim());
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Local midnight of a yyyy-mm-dd day, `addDays` later, as an ISO instant. */
function localDayStart(day: string, addDays = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + addDays).toISOString();
}

/**
 * The API's filter for a form: "to" becomes the start of the following day (exclusive);
 * a relative range starts that long before `now`, taken to the minute so that the view's
 * queries (and their cache) hold still within a minute.
 */
export function filterFromForm(form: FilterForm, now = Date.now()): EventFilter {
  const filter: EventFilter = {};
  if (form.q.trim()) filter.q = form.q.trim();
  if (form.actor.trim()) filter.actor = form.actor.trim();
  if (form.action.trim()) filter.action = form.action.trim();
  // The id is everything after the first colon: ids such as ARNs hold colons themselves.
  const resource = form.resource.trim();
  const colon = resource.indexOf(':');
  const resourceType = colon < 0 ? resource : resource.slice(0, colon);
  const resourceId = colon < 0 ? '' : resource.slice(colon + 1);
  if (resourceType) filter.resourceType = resourceType;
  if (resourceId) filter.resourceId = resourceId;
  const range = RANGES[form.range as keyof typeof RANGES];
  if (range) filter.from = new Date(Math.floor((now - range.ms) / 60_000) * 60_000).toISOString();
  else if (form.from) filter.from = localDayStart(form.from);
  if (form.to && !range) filter.to = localDayStart(form.to, 1);
  return filter;
}

/** The download link for the current filter, in the given format. */
export function exportHref(filter: EventFilter, format: 'csv' | 'json'): string {
  const params = new URLSearchParams({ format });
  for (const [key, value] of Object.entries(filter)) if (value) params.set(key, String(value));
  return `/export?${params}`;
}

// The log's view when the person last left it, so the Log link brings them back to it.
const LAST_VIEW_KEY = 'audit-log:last-view';

export function rememberLogView(search: string): void {
  sessionStorage.setItem(LAST_VIEW_KEY, search);
}

/** Where the Log link goes: the view left last in this tab, or the whole log. */
export function lastLogView(): string {
  const search = sessionStorage.getItem(LAST_VIEW_KEY);
  return search ? `/?${search}` : '/';
}
