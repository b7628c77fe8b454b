import type { EventFilter } from '@auditlog/audit';
import {
  LOG_VIEW_FIELDS,
  type LogView,
  type LogViewField,
  logViewFields,
  RELATIVE_RANGES,
  type RelativeRange,
} from '@auditlog/audit/search';

/**
 * What the filter bar holds. The range's bounds are instants (ISO 8601, so a link means
 * the same moment to everyone whatever their zone), the "to" one excluded; a whole day
 * (yyyy-mm-dd, from older links) is the viewer's local day, "to" included. Kept in the
 * page's URL so a filtered view can be bookmarked and sent to a colleague.
 */
export interface FilterForm {
  /** The search box, in the query language (packages/audit/src/search). */
  q: string;
  actor: string;
  action: string;
  resource: string;
  /** A relative range (`24h`), kept relative in the URL; or fixed bounds in from / to. */
  range: string;
  from: string;
  to: string;
  /** `oldest` for oldest first; empty for the default, newest first. */
  sort: string;
  /** The open event's id: not a filter, but part of the view a link reproduces. */
  event: string;
}

/** The relative ranges offered, as the URL writes them (logViewSchema), with their label. */
export const RANGES: Record<RelativeRange, string> = {
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
};

export const EMPTY_FORM: FilterForm = {
  q: '',
  actor: '',
  action: '',
  resource: '',
  range: '',
  from: '',
  to: '',
  sort: '',
  event: '',
};

const KEYS = Object.keys(EMPTY_FORM) as (keyof FilterForm)[];

const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const PARAMETER_NAMES: Record<LogViewField, string> = {
  q: 'search',
  actor: 'actor',
  action: 'action',
  resource: 'resource',
  range: 'range',
  from: '"from" bound',
  to: '"to" bound',
  sort: 'sort',
};

/**
 * The view a URL describes, checked by the schema the API checks saved views with. A
 * parameter that does not pass is left out and named in `problems`, so a mistyped link
 * says what it lost instead of quietly showing something else.
 */
export function formFromSearch(search: string): { form: FilterForm; problems: string[] } {
  const params = new URLSearchParams(search);
  const form = { ...EMPTY_FORM };
  const problems: string[] = [];
  for (const [key, value] of params) {
    if (!value) continue;
    if (key === 'event') {
      if (EVENT_ID.test(value)) form.event = value;
      else problems.push(`The link's event "${value}" is not an event id and was left out.`);
      continue;
    }
    if (!(LOG_VIEW_FIELDS as string[]).includes(key)) {
      problems.push(`The link's parameter "${key}" means nothing here and was left out.`);
      continue;
    }
    const field = key as LogViewField;
    const parsed = logViewFields[field].safeParse(value);
    if (parsed.success) form[field] = value;
    else {
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      problems.push(`The link's ${PARAMETER_NAMES[field]} "${value}" was left out: ${why}.`);
    }
  }
  if (form.range && (form.from || form.to)) {
    problems.push(
      `The link has both a relative range and days; the range "${form.range}" is used.`,
    );
    form.from = '';
    form.to = '';
  }
  return { form, problems };
}

export function searchFromForm(form: FilterForm): string {
  const params = new URLSearchParams();
  for (const key of KEYS) if (form[key].trim()) params.set(key, form[key].trim());
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A view as a saved view keeps it: the filled fields, without the open event. */
export function viewOfForm(form: FilterForm): LogView {
  const view: Record<string, string> = {};
  for (const key of LOG_VIEW_FIELDS) if (form[key].trim()) view[key] = form[key].trim();
  return view as LogView;
}

export function formOfView(view: LogView): FilterForm {
  return { ...EMPTY_FORM, ...view };
}

const isDay = (bound: string) => /^\d{4}-\d{2}-\d{2}$/.test(bound);

/** Local midnight of a yyyy-mm-dd day, `addDays` later, as an ISO instant. */
function localDayStart(day: string, addDays = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + addDays).toISOString();
}

/**
 * The API's filter for a form: a "to" day becomes the start of the following one
 * (exclusive); a relative range starts that long before `now`, taken to the minute so that the view's
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
  const range = RELATIVE_RANGES[form.range as RelativeRange];
  if (range) filter.from = new Date(Math.floor((now - range) / 60_000) * 60_000).toISOString();
  else if (form.from) filter.from = isDay(form.from) ? localDayStart(form.from) : form.from;
  if (form.to && !range) filter.to = isDay(form.to) ? localDayStart(form.to, 1) : form.to;
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
